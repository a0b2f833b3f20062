# UNSAFE (MS108): AddIndexConcurrently in an atomic migration. PostgreSQL refuses
# CREATE INDEX CONCURRENTLY inside a transaction block, so `migrate` fails here.
# It lives outside sample_migrations/ because it cannot be applied at all.
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        AddIndexConcurrently(
            model_name="item",
            index=models.Index(fields=["name"], name="item_name_idx"),
        ),
    ]
