"""Stock lookups: test material for migsafe's code rules.

Each query that migsafe should report is marked ``# planted: MS5xx`` on the line the
finding points at; its correct twin is marked ``# twin: MS5xx``.
"""

from django.db.models import Q

from .models import StockItem, Warehouse


def stock_in_city(city):
    return StockItem.objects.filter(warehouse__city=city)  # planted: MS501


def stock_in_warehouse(code):
    return StockItem.objects.filter(warehouse__code=code)  # twin: MS501


def needs_counting(cutoff):
    return StockItem.objects.filter(Q(quantity__lte=0) | Q(last_counted_at__lt=cutoff))  # planted: MS501


def stock_of(product, warehouse):
    return StockItem.objects.filter(Q(product=product) | Q(warehouse=warehouse))  # twin: MS501


def warehouse_shelves():
    return {
        item.shelf: item.warehouse.code  # planted: MS511
        for item in StockItem.objects.filter(quantity__gt=0).order_by("shelf")
    }


def warehouse_shelves_twin():
    return {
        item.shelf: item.warehouse.code  # twin: MS511
        for item in StockItem.objects.select_related("warehouse").filter(quantity__gt=0).order_by("shelf")
    }


def warehouses_by_code():
    return Warehouse.objects.in_bulk(field_name="code")
