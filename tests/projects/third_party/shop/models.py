from django.db import models
from fancy_fields.fields import ColorField, TagsField


class Item(models.Model):
    name = models.CharField(max_length=200)
    color = ColorField(null=True)
    tags = TagsField(default="")

    class Meta:
        indexes = [models.Index(fields=["name"], name="shop_item_name_idx")]
