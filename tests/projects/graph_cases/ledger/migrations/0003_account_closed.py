from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_account_code")]

    operations = [migrations.AddField("account", "closed", models.BooleanField(default=False))]
