from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("syntax_error", "0001_initial")]

    operations = [
        migrations.AddField("gadget", "colour", models.CharField(max_length=20, null=True),
    ]
