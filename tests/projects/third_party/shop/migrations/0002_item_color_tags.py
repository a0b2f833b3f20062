from django.db import migrations, models

import fancy_fields.fields
import fancy_fields.operations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField("item", "color", fancy_fields.fields.ColorField(null=True)),
        migrations.AddField("item", "tags", fancy_fields.fields.TagsField(default="")),
        migrations.AddIndex("item", models.Index(fields=["name"], name="shop_item_name_idx")),
        fancy_fields.operations.ClusterTable("shop_item", "shop_item_name_idx"),
        fancy_fields.operations.RefreshSearchIndex(),
        migrations.AlterField("item", "name", models.CharField(max_length=200)),
    ]
