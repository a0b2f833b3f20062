# AddField variants on the hot table:
# - weight_grams: NOT NULL with a constant one-off default (preserve_default=False);
#   metadata-only on PostgreSQL 11+, but PositiveIntegerField also adds a CHECK
#   that is validated with a full scan.
# - published_at: NOT NULL with a callable default (timezone.now), evaluated once
#   by Django and sent as a literal.
# - is_featured: BooleanField with a default.
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_product_name_trgm_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="weight_grams",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="product",
            name="published_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="product",
            name="is_featured",
            field=models.BooleanField(default=False),
        ),
    ]
