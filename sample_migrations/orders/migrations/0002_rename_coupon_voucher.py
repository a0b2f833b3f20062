# RenameModel of a model referenced by a FK (Order.coupon), followed by a
# RenameField of that FK (coupon -> voucher, i.e. coupon_id -> voucher_id).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(
            old_name="Coupon",
            new_name="Voucher",
        ),
        migrations.RenameField(
            model_name="order",
            old_name="coupon",
            new_name="voucher",
        ),
    ]
