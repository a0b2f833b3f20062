# AlterIndexTogether (setting it): creates one unnamed composite index per
# tuple. The index_together Meta option is gone since Django 5.1, but the
# operation is still supported for historical migrations like this one.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AlterIndexTogether(
            name="stockitem",
            index_together={("product", "warehouse"), ("warehouse", "bin_location")},
        ),
    ]
