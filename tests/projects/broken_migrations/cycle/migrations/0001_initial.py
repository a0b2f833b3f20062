from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("cycle", "0002_second")]

    operations = [
        migrations.CreateModel(
            name="Loop",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False))],
        ),
    ]
