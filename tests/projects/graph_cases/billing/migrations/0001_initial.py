# Needs only ledger.Account (created by ledger's first migration) but depends on
# ledger's latest one (MS307).
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("ledger", "0004_account_totals_view")]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=20)),
                ("account", models.ForeignKey(on_delete=models.deletion.PROTECT, to="ledger.account")),
            ],
        ),
    ]
