from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        indexes = [models.Index(fields=["name"], name="item_name_idx")]
