# RemoveConstraint: a product may now appear on several lines of one order.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0005_order_constraints"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="orderline",
            name="orderline_order_product_uniq",
        ),
    ]
