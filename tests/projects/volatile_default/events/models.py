from django.contrib.postgres.functions import RandomUUID
from django.db import models


class Event(models.Model):
    name = models.CharField(max_length=100)
    token = models.UUIDField(db_default=RandomUUID())
