# State-only operations (no SQL): AlterModelOptions and AlterModelManagers.
import catalog.managers
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0013_product_index_cleanup"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="product",
            options={"ordering": ["-published_at"], "verbose_name": "catalog product"},
        ),
        migrations.AlterModelManagers(
            name="product",
            managers=[
                ("objects", catalog.managers.ProductManager()),
            ],
        ),
    ]
