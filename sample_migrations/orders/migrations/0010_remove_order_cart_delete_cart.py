# RemoveField of a FK column (drops cart_id with its index and FK
# constraint), then DeleteModel of the no longer referenced Cart.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_remove_order_legacy_note_state_only"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="order",
            name="cart",
        ),
        migrations.DeleteModel(
            name="Cart",
        ),
    ]
