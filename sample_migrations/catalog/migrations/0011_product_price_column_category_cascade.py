# AlterField variants that are not type changes:
# - price: db_column renamed to "unit_price" (ALTER TABLE ... RENAME COLUMN;
#   breaks old code still reading "price").
# - category: on_delete PROTECT -> CASCADE. No SQL: both are Python-level
#   (not database-level DB_*) on_delete handlers.
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0010_alter_product_slug_unique"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="price",
            field=models.DecimalField(
                db_column="unit_price", decimal_places=2, max_digits=10
            ),
        ),
        migrations.AlterField(
            model_name="product",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="products",
                to="catalog.category",
            ),
        ),
    ]
