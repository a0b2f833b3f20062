# RenameField (body -> comment), AlterField adding db_index=True (UNSAFE:
# non-concurrent CREATE INDEX), AddField BooleanField with default, and
# AlterUniqueTogether swapping one unique_together for another.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0016_alter_category_description_name"),
    ]

    operations = [
        migrations.RenameField(
            model_name="review",
            old_name="body",
            new_name="comment",
        ),
        migrations.AlterField(
            model_name="review",
            name="author_name",
            field=models.CharField(db_index=True, max_length=100),
        ),
        migrations.AddField(
            model_name="review",
            name="is_approved",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterUniqueTogether(
            name="review",
            unique_together={("product", "author_email")},
        ),
    ]
