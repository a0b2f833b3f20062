from django.db import models


class Account(models.Model):
    name = models.CharField(max_length=50)
    code = models.CharField(max_length=10, null=True)
    closed = models.BooleanField(default=False)
