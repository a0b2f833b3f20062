"""Model shapes for migsafe's code rules that the sample project does not have.

Each definition migsafe should report is marked ``# planted: MS5xx`` on the line the
finding points at; its correct twin is marked ``# twin: MS5xx``.
"""

import django
from django.db import models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Author(models.Model):
    name = models.CharField(max_length=100)
    publisher = models.ForeignKey(Publisher, on_delete=models.DO_NOTHING, related_name="authors")  # planted: MS526
    agent = models.ForeignKey(Publisher, on_delete=models.PROTECT, null=True, related_name="+")  # twin: MS526

    def __str__(self):
        return self.name


class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(blank=True)


class Book(models.Model):
    class Format(models.TextChoices):
        HARDCOVER = "hc", "Hardcover"
        PAPERBACK = "pb", "Paperback"

    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, db_index=False, related_name="books")  # planted: MS502
    series = models.ForeignKey("Series", on_delete=models.SET_NULL, null=True, db_index=False)  # twin: MS502
    price = models.FloatField()  # planted: MS525
    weight_kg = models.FloatField(default=0)  # twin: MS525
    status = models.CharField(max_length=10, choices=[("draft", "Draft"), ("out", "Out")])  # planted: MS523
    format = models.CharField(max_length=2, choices=Format.choices, default=Format.PAPERBACK)  # twin: MS523
    subtitle = models.CharField(max_length=200, null=True)  # planted: MS522
    isbn = models.CharField(max_length=13, unique=True, null=True)  # twin: MS522
    metadata = models.JSONField(default={})  # planted: MS527
    keywords = models.JSONField(default=list)  # twin: MS527
    stars = models.PositiveSmallIntegerField(default=0)
    published = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["series", "published"], name="book_series_published_idx"),  # twin: MS503
            models.Index(fields=["stars"], name="book_stars_idx"),  # planted: MS503
        ]
        constraints = [
            models.CheckConstraint(**{CHECK: models.Q(format__in=["hc", "pb"])}, name="book_format_valid"),
        ]

    @property
    def author_name(self):
        return self.author.name  # planted: MS511

    def review_count(self):
        return self.reviews.count()  # planted: MS512


class Series(models.Model):
    name = models.CharField(max_length=100)


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, db_constraint=False, related_name="reviews")  # planted: MS521
    reader = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="reviews")  # twin: MS521
    stars = models.PositiveSmallIntegerField()

    class Meta:
        unique_together = [("book", "reader")]  # planted: MS524


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    reader = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "reader"], name="loan_once")]  # twin: MS524


class Invoice(models.Model):
    """customer_ref gets its foreign key in migration 0002 (RunSQL), not from Django."""

    customer_ref = models.BigIntegerField()
    total = models.DecimalField(max_digits=10, decimal_places=2)
