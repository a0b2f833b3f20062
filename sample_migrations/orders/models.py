import django
from django.conf import settings
from django.db import models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Voucher(models.Model):
    """Discount code; was called Coupon (renamed in 0002)."""

    code = models.CharField(max_length=20, unique=True)
    percent_off = models.PositiveSmallIntegerField()
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orders_discount_voucher"
        db_table_comment = "Discount vouchers redeemable at checkout."

    def __str__(self):
        return self.code


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_orders",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tracking_number = models.CharField(max_length=40, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    priority = models.SmallIntegerField(null=True)
    # The "legacy_note" column still exists in the database; migration 0009
    # removed it from Django's state only (SeparateDatabaseAndState).

    class Meta:
        constraints = [
            models.CheckConstraint(
                **{CHECK: models.Q(total__gte=0)},
                name="order_total_gte_0",
                violation_error_message="An order total cannot be negative.",
            ),
            models.CheckConstraint(
                **{
                    CHECK: models.Q(
                        status__in=["pending", "paid", "shipped", "cancelled"]
                    )
                },
                name="order_status_valid",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status="pending"),
                name="order_one_pending_per_customer",
            ),
        ]

    def __str__(self):
        return "Order #%s" % self.pk


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="order_lines"
    )
    position = models.PositiveSmallIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"],
                name="orderline_order_position_uniq",
                deferrable=models.Deferrable.DEFERRED,
            ),
            # Created by hand with RunSQL in 0007 (NOT VALID + VALIDATE).
            models.CheckConstraint(
                **{CHECK: models.Q(quantity__gt=0)}, name="orderline_quantity_gt_0"
            ),
        ]
