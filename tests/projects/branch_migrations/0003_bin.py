# New on the branch: a table and an index on it. The table is empty in production,
# so the index build blocks nothing.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_item_name_idx")]

    operations = [
        migrations.CreateModel(
            name="Bin",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=20)),
            ],
        ),
        migrations.AddIndex(model_name="bin", index=models.Index(fields=["label"], name="bin_label_idx")),
    ]
