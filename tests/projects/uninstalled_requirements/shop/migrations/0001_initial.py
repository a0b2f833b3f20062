from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100)),
                ("legacy", models.CharField(max_length=10, blank=True)),
            ],
        ),
        # twin: an index on a table created in this very migration is built while it is empty
        migrations.AddIndex(model_name="item", index=models.Index(fields=["name"], name="item_name_idx")),
    ]
