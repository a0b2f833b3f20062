from django.db import models


class Invoice(models.Model):
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT)
    number = models.CharField(max_length=20)
    # Not in any migration (MS308):
    paid = models.BooleanField(default=False)
