# What this branch changes on tables production already fills: a type change that
# rewrites orders, two plain CREATE INDEX (a large and a tiny table), and an instant
# column on the busy event table.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AlterField(model_name="order", name="total", field=models.BigIntegerField()),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["status"], name="order_status_idx")),
        migrations.AddIndex(model_name="customer", index=models.Index(fields=["email"], name="customer_email_idx")),
        migrations.AddField(model_name="event", name="source", field=models.CharField(max_length=30, null=True)),
    ]
