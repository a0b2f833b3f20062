"""How querysets reach a loop: each shape the static analysis follows, planted and twin.

Each loop migsafe should report is marked ``# planted: MS5xx`` on the line the finding
points at; its correct twin is marked ``# twin: MS5xx``.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from . import models as shop_models


def reassigned():
    books = shop_models.Book.objects.filter(weight_kg__gte=1)  # planted: MS501
    books = books.select_related("author")
    return [book.author.name for book in books]  # twin: MS511


def enumerated():
    books = list(shop_models.Book.objects.order_by("title"))  # planted: MS501
    return {n: book.author.name for n, book in enumerate(books)}  # planted: MS511


def by_app_registry():
    Review = apps.get_model("shop", "Review")
    return [review.reader.name for review in Review.objects.all()]  # planted: MS511


def users():
    return [user.username for user in get_user_model().objects.filter(is_active=True)]  # twin: MS511


def values_are_not_rows():
    return [row["author__name"] for row in shop_models.Book.objects.values("author__name")]  # twin: MS511


def nested_prefetch():
    authors = shop_models.Author.objects.prefetch_related(
        Prefetch("books", queryset=shop_models.Book.objects.select_related("series"), to_attr="listed"),
    )
    return [[book.series.name for book in author.listed] for author in authors]  # twin: MS511


def nested_prefetch_missing():
    authors = shop_models.Author.objects.prefetch_related(Prefetch("books", to_attr="listed"))
    return [[book.series.name for book in author.listed] for author in authors]  # planted: MS511


def either(author, publisher):
    return shop_models.Author.objects.filter(Q(publisher=publisher) | Q(agent=publisher))  # twin: MS501
