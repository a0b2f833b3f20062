# UNSAFE (MS206, MS101): narrowing varchar(100) to varchar(60). Values longer
# than 60 characters make the migration fail halfway through a table rewrite
# under ACCESS EXCLUSIVE. Check the data first (SELECT max(length(city))).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0008_alter_stockitem_last_counted_at_not_null"),
    ]

    operations = [
        migrations.AlterField(
            model_name="warehouse",
            name="city",
            field=models.CharField(max_length=60),
        ),
    ]
