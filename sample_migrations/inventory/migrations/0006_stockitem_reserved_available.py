# Django 5.0+ only (empty on Django 4.2, where the fields do not exist):
# - AddField with db_default (DEFAULT kept in the database; on PostgreSQL 11+
#   a constant default is metadata-only);
# - AddField of a stored GeneratedField (rewrites the table).
import django
import django.db.models.expressions
from django.db import migrations, models

if django.VERSION >= (5, 0):
    operations = [
        migrations.AddField(
            model_name="stockitem",
            name="reserved",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="stockitem",
            name="available",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.CombinedExpression(
                    models.F("quantity"), "-", models.F("reserved")
                ),
                output_field=models.IntegerField(),
            ),
        ),
    ]
else:
    operations = []


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0005_warehouse_export_dir"),
    ]

    operations = operations
