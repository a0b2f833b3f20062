from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("healthy", "0001_initial")]

    operations = [
        migrations.AddField("widget", "size", models.IntegerField(null=True)),
    ]
