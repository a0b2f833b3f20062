from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("shop", "0002_item_changez")]

    operations = []
