"""Views for migsafe's code rules: shapes the sample project does not have.

Each loop migsafe should report is marked ``# planted: MS5xx`` on the line the finding
points at (here some are in models.py, reached through a property or method); its twin
is marked ``# twin: MS5xx``.
"""

from django.db import models
from django.db.models import Count
from django.shortcuts import render

from .models import Author, Book


def author_names(request):
    return [book.author_name for book in Book.objects.all()]


def author_names_twin(request):
    return [book.author_name for book in Book.objects.select_related("author")]


def review_counts(request):
    return {book.pk: book.review_count() for book in Book.objects.filter(published__isnull=False)}  # planted: MS501


def bios(request):
    return [author.profile.bio for author in Author.objects.all()]  # planted: MS511


def bios_twin(request):
    return [author.profile.bio for author in Author.objects.select_related("profile")]  # twin: MS511


def bios_peers(request):
    return [author.profile.bio for author in Author.objects.fetch_mode(models.FETCH_PEERS)]  # twin: MS511


def shelf(request):
    authors = Author.objects.annotate(book_count=Count("books"))
    return render(request, "shop/shelf.html", {"authors": authors})


def bump_stars():
    for book in Book.objects.filter(series__isnull=True):
        book.stars += 1
        book.save(update_fields=["stars"])  # planted: MS513
