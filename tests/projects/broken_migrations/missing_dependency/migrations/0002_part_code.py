from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missing_dependency", "0001_initial"),
        ("healthy", "0099_does_not_exist"),
    ]

    operations = [
        migrations.AddField("part", "code", models.CharField(max_length=10, null=True)),
    ]
