# Index housekeeping on the hot table:
# - AddIndex of a partial, multi-column index with a descending column.
# - RemoveIndex (UNSAFE: plain DROP INDEX takes ACCESS EXCLUSIVE; the trigram
#   index from 0006 now serves name lookups). Safe twin:
#   accounts.0007_remove_customer_country_idx_concurrently.
# - RenameIndex in its old_name/new_name form.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0012_remove_product_legacy_code_related_products"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("is_featured", True)),
                fields=["category", "-published_at"],
                name="product_featured_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="product",
            name="product_name_idx",
        ),
        migrations.RenameIndex(
            model_name="product",
            new_name="product_category_active_idx",
            old_name="product_cat_active_idx",
        ),
    ]
