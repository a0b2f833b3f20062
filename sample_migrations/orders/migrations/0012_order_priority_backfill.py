# UNSAFE (MS401, MS107): a schema change and a data migration in one atomic
# migration. AddField takes ACCESS EXCLUSIVE on orders_order and keeps it until
# COMMIT, so every query on orders waits while the RunPython loop runs.
# Safe form: the AddField alone, then the backfill in a migration of its own
# (see catalog 0002 -> 0003).
from django.db import migrations, models


def set_priority(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Order.objects.filter(status="paid").update(priority=1)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0011_alter_order_total_gte_0_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="priority",
            field=models.SmallIntegerField(null=True),
        ),
        migrations.RunPython(set_priority, migrations.RunPython.noop),
    ]
