# New on the branch: a column and an index on the existing (production) table.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_bin")]

    operations = [
        migrations.AddField(model_name="item", name="code", field=models.CharField(max_length=10, null=True)),
        migrations.AddIndex(model_name="item", index=models.Index(fields=["code"], name="item_code_idx")),
    ]
