# AddField NOT NULL with a default string containing a backslash, a single
# quote and double quotes: exercises literal quoting of the DEFAULT clause.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0004_rename_stockitem_product_wh_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="warehouse",
            name="export_dir",
            field=models.CharField(
                default="C:\\Exports\\Joe's \"Main\" Depot", max_length=200
            ),
        ),
    ]
