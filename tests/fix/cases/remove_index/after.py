from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    """Drop an index nobody uses."""

    atomic = False

    dependencies = [("shop", "0002_item_code")]

    operations = [
        RemoveIndexConcurrently(model_name="item", name="item_code_idx"),
    ]
