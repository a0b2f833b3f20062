# A foreign key Django does not know about: added in SQL, without an index (MS502).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(  # planted: MS502
            'ALTER TABLE "shop_invoice" ADD CONSTRAINT "shop_invoice_customer_ref_fk" '
            'FOREIGN KEY ("customer_ref") REFERENCES "shop_author" ("id") DEFERRABLE INITIALLY DEFERRED',
            reverse_sql='ALTER TABLE "shop_invoice" DROP CONSTRAINT "shop_invoice_customer_ref_fk"',
        ),
    ]
