# UNSAFE: AddField of a nullable *unique* CharField to the hot Product table.
# The column itself is cheap, but the UNIQUE constraint builds its index while
# holding an ACCESS EXCLUSIVE lock on the whole table.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="sku",
            field=models.CharField(max_length=32, null=True, unique=True),
        ),
    ]
