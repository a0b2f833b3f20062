# SAFE: AlterField widening a varchar (max_length 100 -> 200). PostgreSQL
# changes the type without rewriting the table or rebuilding indexes.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_product_weight_published_featured"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="name",
            field=models.CharField(max_length=200),
        ),
    ]
