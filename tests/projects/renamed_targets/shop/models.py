from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)


class Line(models.Model):
    # Points at Product.sku, not its primary key: renaming or retyping sku reaches this column.
    product = models.ForeignKey(Product, models.CASCADE, to_field="sku")
    quantity = models.IntegerField()


class Review(models.Model):
    product = models.ForeignKey(Product, models.CASCADE)
