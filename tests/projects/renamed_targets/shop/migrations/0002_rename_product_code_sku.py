# The foreign key from Line follows the renamed target column (to_field).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RenameField("product", "code", "sku"),
    ]
