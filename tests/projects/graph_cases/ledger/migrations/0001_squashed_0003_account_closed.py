# Squashes 0001-0003, but 0002_account_code was deleted while 0001 and 0003 were
# kept: a database that applied 0001 only can no longer migrate (MS304).
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("ledger", "0001_initial"), ("ledger", "0002_account_code"), ("ledger", "0003_account_closed")]
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
                ("code", models.CharField(max_length=10, null=True)),
                ("closed", models.BooleanField(default=False)),
            ],
        ),
    ]
