"""Order workflows: test material for migsafe's code rules.

Each query or loop that migsafe should report is marked ``# planted: MS5xx`` on the line
the finding points at; its correct twin is marked ``# twin: MS5xx``.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.utils import timezone

from catalog.models import Product

from .models import Order, OrderLine


def paid_since(days):
    since = timezone.now() - timedelta(days=days)
    return Order.objects.filter(status=Order.Status.PAID, created_at__gte=since)  # planted: MS501


def orders_of(customer):
    return Order.objects.filter(customer=customer).order_by("-created_at")  # twin: MS501


def cancel_stale_pending(hours):
    cutoff = timezone.now() - timedelta(hours=hours)
    for order in Order.objects.filter(status="pending", created_at__lt=cutoff):
        order.status = Order.Status.CANCELLED
        order.save()  # planted: MS513


def cancel_stale_pending_twin(hours):
    cutoff = timezone.now() - timedelta(hours=hours)
    Order.objects.filter(status="pending", created_at__lt=cutoff).update(status=Order.Status.CANCELLED)  # twin: MS513


def reorder(order, product_ids):
    for product in Product.objects.filter(pk__in=product_ids):
        OrderLine.objects.create(order=order, product=product, position=product.pk, unit_price=product.price)  # planted: MS513


def reorder_twin(order, product_ids):
    OrderLine.objects.bulk_create(  # twin: MS513
        OrderLine(order=order, product=product, position=product.pk, unit_price=product.price)
        for product in Product.objects.filter(pk__in=product_ids)
    )


def customers_with_lines(customer):
    flags = {}
    for order in Order.objects.filter(customer=customer):
        flags[order.pk] = order.lines.exists()  # planted: MS512
    return flags


def customers_with_lines_twin(customer):
    has_lines = OrderLine.objects.filter(order=OuterRef("pk"))
    orders = Order.objects.filter(customer=customer).annotate(has_lines=Exists(has_lines))
    return {order.pk: order.has_lines for order in orders}  # twin: MS512


def line_value(line):
    return line.product.price * line.quantity  # planted: MS511


def order_values(customer):
    values = {}
    for order in Order.objects.filter(customer=customer).prefetch_related("lines"):
        values[order.pk] = sum(line_value(line) for line in order.lines.all())
    return values


def line_value_twin(line):
    return line.product.price * line.quantity  # twin: MS511


def order_values_twin(customer):
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
    values = {}
    for order in Order.objects.filter(customer=customer).prefetch_related(lines):
        values[order.pk] = sum(line_value_twin(line) for line in order.lines.all())
    return values


def voucher_codes(customer):
    return [order.voucher.code for order in orders_of(customer) if order.voucher_id]  # planted: MS511


def revenue_by_product():
    return OrderLine.objects.values("product").annotate(total=Sum("unit_price"))
