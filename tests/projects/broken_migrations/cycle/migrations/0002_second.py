from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cycle", "0001_initial")]

    operations = [
        migrations.AddField("loop", "n", models.IntegerField(null=True)),
    ]
