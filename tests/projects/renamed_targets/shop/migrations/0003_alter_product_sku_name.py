# Retyping a unique column other tables point at alters their columns too; retyping a plain
# column (name) touches no other table.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_rename_product_code_sku")]

    operations = [
        migrations.AlterField("product", "sku", models.CharField(max_length=64, unique=True)),
        migrations.AlterField("product", "name", models.CharField(max_length=200)),
    ]
