from django.db import migrations, models


def fill(apps, schema_editor):
    pass


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddIndex(model_name="item", index=models.Index(fields=["legacy"], name="item_legacy_idx")),
        migrations.RemoveField(model_name="item", name="legacy"),
        migrations.RunPython(fill),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL("SELECT 1", reverse_sql=migrations.RunSQL.noop),
    ]
