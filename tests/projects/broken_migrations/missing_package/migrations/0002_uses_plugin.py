from django.db import migrations

import fancy_fields_not_installed


class Migration(migrations.Migration):
    dependencies = [("missing_package", "0001_initial")]

    operations = [
        migrations.AddField("gizmo", "tags", fancy_fields_not_installed.TagField(null=True)),
    ]
