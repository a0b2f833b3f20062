# Data migrations:
# - RunPython with reverse_code=RunPython.noop (recompute totals from lines);
# - RunPython without reverse_code and RunSQL without reverse_sql: both are
#   irreversible, so this migration cannot be unapplied.
from django.db import migrations
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce


def recalculate_totals(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    line_totals = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(
            amount=Sum(
                ExpressionWrapper(
                    F("quantity") * F("unit_price"),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            )
        )
        .values("amount")
    )
    Order.objects.update(
        total=Coalesce(Subquery(line_totals), 0, output_field=DecimalField())
    )


def strip_tracking_numbers(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.exclude(tracking_number=None).iterator():
        cleaned = order.tracking_number.strip() or None
        if cleaned != order.tracking_number:
            order.tracking_number = cleaned
            order.save(update_fields=["tracking_number"])


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0007_order_reporting_sql"),
    ]

    operations = [
        migrations.RunPython(
            recalculate_totals, reverse_code=migrations.RunPython.noop
        ),
        migrations.RunPython(strip_tracking_numbers),
        migrations.RunSQL(
            "UPDATE orders_order SET status = lower(status) "
            "WHERE status <> lower(status)"
        ),
    ]
