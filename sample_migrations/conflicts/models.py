from django.db import models


class Badge(models.Model):
    """A product badge ("New", "Sale", ...).

    Two developers branched off 0001_initial at the same time: one added
    ``color`` (0002_add_color), the other ``size`` (0002_add_size). The two
    leaf migrations conflict in the graph but apply cleanly in either order;
    this model is the union of both.
    """

    name = models.CharField(max_length=50)
    color = models.CharField(max_length=7, default="#ff0000")
    size = models.PositiveSmallIntegerField(default=16)

    def __str__(self):
        return self.name
