import django
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from .managers import ProductManager

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self):
        return self.name


class Product(models.Model):
    """The hot, big table of the shop: every lock taken on it hurts."""

    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    sku = models.CharField(max_length=32, unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, db_column="unit_price"
    )
    stock = models.PositiveIntegerField(default=0)
    view_count = models.BigIntegerField(default=0)
    weight_grams = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)
    is_featured = models.BooleanField(default=False)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="products"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(default=timezone.now)

    objects = ProductManager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "catalog product"
        indexes = [
            models.Index(
                fields=["category", "is_active"], name="product_category_active_idx"
            ),
            GinIndex(
                fields=["name"],
                name="product_name_trgm_idx",
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(
                fields=["category", "-published_at"],
                name="product_featured_idx",
                condition=models.Q(is_featured=True),
            ),
            models.Index(fields=["published_at"], name="product_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                **{CHECK: models.Q(price__gte=0)}, name="product_price_gte_0"
            ),
        ]

    def __str__(self):
        return self.name


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    url = models.URLField(max_length=500)
    alt_text = models.CharField(max_length=200, blank=True)

    class Meta:
        order_with_respect_to = "product"


class Review(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews"
    )
    author_name = models.CharField(max_length=100, db_index=True)
    author_email = models.EmailField()
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    is_approved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("product", "author_email")]
        constraints = [
            models.CheckConstraint(
                **{CHECK: models.Q(rating__gte=1, rating__lte=5)},
                name="review_rating_1_to_5",
            ),
        ]
