# AlterOrderWithRespectTo: adds the hidden NOT NULL "_order" column (with a
# temporary default of 0) to an existing table.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0017_review_comment_email_unique"),
    ]

    operations = [
        migrations.AlterOrderWithRespectTo(
            name="productimage",
            order_with_respect_to="product",
        ),
    ]
