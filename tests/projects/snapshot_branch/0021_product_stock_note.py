# A pull request's migration: the history before it comes from a snapshot on the second run.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0020_product_published_idx_rerunnable")]

    operations = [
        migrations.AddField("product", "stock_note", models.TextField(default="")),
        migrations.AddIndex("product", models.Index(fields=["stock_note"], name="product_stock_note_idx")),
    ]
