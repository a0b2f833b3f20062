from django.db import migrations, models


class Migration(migrations.Migration):
    # Renames are instant, but wait for ACCESS EXCLUSIVE behind any long query.

    dependencies = [("catalog", "0016_alter_category_description_name")]

    operations = [
        migrations.RunSQL("SET LOCAL lock_timeout = '2s'", reverse_sql=migrations.RunSQL.noop),
        migrations.RenameField("review", "body", "comment"),
        migrations.AddField(
            model_name="review",
            name="is_approved",
            field=models.BooleanField(default=False),
        ),
    ]
