# A header comment that must survive.
from django.db import migrations, models  # trailing import comment


class Migration(migrations.Migration):

    dependencies = [
        ("shop", "0001_initial"),  # keep me
    ]

    operations = [
        # Adds the column first.
        migrations.AddField(
            model_name="item",
            name="code",
            field=models.CharField(max_length=10, default=""),
        ),
        # The index (this comment stays above the next operation's slot).
        migrations.AlterModelOptions(name="item", options={"ordering": ["code"]}),
    ]
