from django.db import models


class Customer(models.Model):
    """Who orders: about a hundred rows."""

    name = models.CharField(max_length=100)
    email = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["email"], name="customer_email_idx")]


class Order(models.Model):
    """Orders: the large table, never queried by this code."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    status = models.CharField(max_length=20)
    total = models.BigIntegerField()
    created = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="order_status_idx")]


class Shipment(models.Model):
    """Shipments: large, filtered on carrier (no index), looked up by tracking elsewhere."""

    carrier = models.CharField(max_length=50)
    tracking = models.CharField(max_length=40, db_index=True)


class Event(models.Model):
    """An audit trail: few rows, written all the time."""

    kind = models.CharField(max_length=30)
    source = models.CharField(max_length=30, null=True)
