# UNSAFE: AlterField adding unique=True to an indexed SlugField. Django drops
# the plain (and _like) index and adds a UNIQUE constraint, building a new
# index under ACCESS EXCLUSIVE.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0009_alter_product_view_count_bigint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="slug",
            field=models.SlugField(max_length=120, unique=True),
        ),
    ]
