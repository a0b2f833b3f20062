# UNSAFE: AlterField of a primary key type, AutoField -> BigAutoField (the
# classic "int4 id about to overflow" fix). Rewrites catalog_tag and the
# tag_id column of the M2M through table, re-creating the FK between them.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0014_product_options_managers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="id",
            field=models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
    ]
