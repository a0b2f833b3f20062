import uuid

import django
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    DateTimeRangeField,
    HStoreField,
    RangeOperators,
)
from django.contrib.postgres.indexes import BloomIndex, GinIndex
from django.db import models
from django.db.models.functions import Lower

from .fields import CIEmailField

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Customer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    email = CIEmailField(unique=True)
    # "case_insensitive" is a nondeterministic ICU collation created by
    # accounts.0002_create_collations.
    username = models.CharField(
        max_length=150, unique=True, db_collation="case_insensitive"
    )
    full_name = models.CharField(max_length=200)
    country_code = models.CharField(max_length=2)
    loyalty_points = models.IntegerField(default=0)
    credit_limit = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    preferences = HStoreField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(Lower("full_name"), name="customer_lower_name_idx"),
            BloomIndex(
                fields=["loyalty_points", "country_code"], name="customer_bloom_idx"
            ),
            GinIndex(
                fields=["country_code", "preferences"],
                name="customer_country_prefs_gin",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                **{CHECK: models.Q(credit_limit__gte=0)},
                name="customer_credit_limit_gte_0",
            ),
        ]

    def __str__(self):
        return self.username


class Subscription(models.Model):
    """A paid membership; periods of one customer must not overlap."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.CharField(max_length=30)
    period = DateTimeRangeField()

    class Meta:
        constraints = [
            ExclusionConstraint(
                name="subscription_no_overlap",
                expressions=[
                    ("customer", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
            ),
        ]
