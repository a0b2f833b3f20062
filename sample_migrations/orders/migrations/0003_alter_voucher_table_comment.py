# AlterModelTable (ALTER TABLE ... RENAME TO) and AlterModelTableComment
# (COMMENT ON TABLE).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0002_rename_coupon_voucher"),
    ]

    operations = [
        migrations.AlterModelTable(
            name="voucher",
            table="orders_discount_voucher",
        ),
        migrations.AlterModelTableComment(
            name="voucher",
            table_comment="Discount vouchers redeemable at checkout.",
        ),
    ]
