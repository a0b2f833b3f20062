from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("syntax_error", "0002_broken")]

    operations = [
        migrations.AddField("gadget", "weight", models.IntegerField(null=True)),
    ]
