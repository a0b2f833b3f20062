# A NOT NULL column whose database default is volatile (gen_random_uuid()): PostgreSQL
# rewrites the whole table under ACCESS EXCLUSIVE to give every row its own value (MS101).
import django.contrib.postgres.functions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="token",
            field=models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID()),
        ),
    ]
