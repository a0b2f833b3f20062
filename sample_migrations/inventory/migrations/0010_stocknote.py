# A small model, so that 0011 can show a state-only model removal.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0009_alter_warehouse_city_narrowed"),
    ]

    operations = [
        migrations.CreateModel(
            name="StockNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField()),
                (
                    "item",
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="notes", to="inventory.stockitem"),
                ),
            ],
        ),
    ]
