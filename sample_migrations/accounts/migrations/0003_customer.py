# CreateModel using the extensions and collations created before: a citext
# column (custom CIEmailField), a CharField with a nondeterministic
# db_collation, an HStoreField and a UUID with a callable default.
import uuid

import accounts.fields
import django.contrib.postgres.fields.hstore
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_create_collations"),
    ]

    operations = [
        migrations.CreateModel(
            name="Customer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "public_id",
                    models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                ),
                ("email", accounts.fields.CIEmailField(max_length=254, unique=True)),
                (
                    "username",
                    models.CharField(
                        db_collation="case_insensitive", max_length=150, unique=True
                    ),
                ),
                ("full_name", models.CharField(max_length=200)),
                ("country_code", models.CharField(max_length=2)),
                ("loyalty_points", models.IntegerField(default=0)),
                (
                    "credit_limit",
                    models.DecimalField(decimal_places=2, default=0, max_digits=10),
                ),
                (
                    "preferences",
                    django.contrib.postgres.fields.hstore.HStoreField(
                        blank=True, default=dict
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
