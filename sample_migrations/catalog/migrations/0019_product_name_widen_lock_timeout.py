# SAFE twin of MS106: the migration sets lock_timeout before it asks for ACCESS
# EXCLUSIVE, so a long query holding the table makes it fail fast (and retry)
# instead of queueing every other query behind it. The change itself is a
# binary-coercible varchar widening (200 -> 250): catalog-only, no rewrite.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0018_alter_productimage_order_with_respect_to"),
    ]

    operations = [
        migrations.RunSQL("SET LOCAL lock_timeout = '5s'", reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="product",
            name="name",
            field=models.CharField(max_length=250),
        ),
    ]
