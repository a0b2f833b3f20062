from django.db import migrations


def strip_tracking_numbers(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Order.objects.update(tracking_number="")


class Migration(migrations.Migration):

    dependencies = [("orders", "0007_order_reporting_sql")]

    operations = [
        migrations.RunPython(strip_tracking_numbers, reverse_code=migrations.RunPython.noop),  # data cleanup
        migrations.RunPython(
            strip_tracking_numbers,
            reverse_code=migrations.RunPython.noop,
        ),
    ]
