import django
from django.db import models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Warehouse(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=60)
    # A Windows share path: the default holds a backslash and quotes.
    export_dir = models.CharField(
        max_length=200, default="C:\\Exports\\Joe's \"Main\" Depot"
    )

    def __str__(self):
        return self.code


class StockItem(models.Model):
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="stock_items"
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="stock_items"
    )
    quantity = models.IntegerField(default=0)
    shelf = models.CharField(max_length=20, blank=True, db_column="bin_location")
    last_counted_at = models.DateTimeField()

    if django.VERSION >= (5, 0):
        # db_default and GeneratedField exist on Django 5.0+ only; see
        # migration 0006, which is empty on older Django versions.
        reserved = models.IntegerField(db_default=0)
        available = models.GeneratedField(
            expression=models.F("quantity") - models.F("reserved"),
            output_field=models.IntegerField(),
            db_persist=True,
        )

    class Meta:
        indexes = [
            models.Index(
                fields=["product", "warehouse"], name="stock_product_warehouse_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                **{CHECK: models.Q(quantity__gte=0)}, name="stockitem_quantity_gte_0"
            ),
        ]
