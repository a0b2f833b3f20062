# UNSAFE: AddIndex (plain btree) on the hot Product table in an atomic
# migration. CREATE INDEX blocks all writes until the index is built.
# Safe twin: 0006_product_name_trgm_idx (AddIndexConcurrently).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_alter_product_sku_not_null"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["name"], name="product_name_idx"),
        ),
    ]
