# SAFE twin of MS203: the field is renamed in Python only. Pinning db_column to
# the current column name first makes both operations state-only: no SQL, and
# code still running the old release keeps working.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0011_remove_stocknote_state_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stockitem",
            name="bin_location",
            field=models.CharField(blank=True, db_column="bin_location", max_length=20),
        ),
        migrations.RenameField(
            model_name="stockitem",
            old_name="bin_location",
            new_name="shelf",
        ),
    ]
