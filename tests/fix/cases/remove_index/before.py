from django.db import migrations


class Migration(migrations.Migration):
    """Drop an index nobody uses."""

    dependencies = [("shop", "0002_item_code")]

    operations = [
        migrations.RemoveIndex(model_name="item", name="item_code_idx"),
    ]
