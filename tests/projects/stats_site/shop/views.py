from shop.models import Shipment


def by_carrier(carrier):
    """Shipments of one carrier."""
    return list(Shipment.objects.filter(carrier=carrier))
