# RunPython with reverse_code: a realistic, batched backfill of Product.sku
# before 0004 makes the column NOT NULL. Uses the historical model only.
from django.db import migrations

BATCH_SIZE = 1000


def backfill_sku(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    pending = Product.objects.filter(sku__isnull=True).order_by("pk")
    while True:
        batch = list(pending[:BATCH_SIZE])
        if not batch:
            break
        for product in batch:
            product.sku = "SKU-%08d" % product.pk
        Product.objects.bulk_update(batch, ["sku"])


def clear_sku(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Product.objects.filter(sku__startswith="SKU-").update(sku=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_product_sku"),
    ]

    operations = [
        migrations.RunPython(backfill_sku, reverse_code=clear_sku),
    ]
