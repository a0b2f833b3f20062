"""Catalog pages: test material for migsafe's code rules.

Each query or loop that migsafe should report is marked ``# planted: MS5xx`` on the line
the finding points at; its correct twin is marked ``# twin: MS5xx``.
"""

from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from .models import Category, Product, Review


def product_rows(request):
    products = Product.objects.filter(is_active=True)
    return JsonResponse({"rows": [[p.name, p.category.name] for p in products]})  # planted: MS511


def product_rows_twin(request):
    products = Product.objects.filter(is_active=True).select_related("category")
    return JsonResponse({"rows": [[p.name, p.category.name] for p in products]})  # twin: MS511


def tag_cloud(request):
    cloud = {}
    for product in Product.objects.active():
        for tag in product.tags.all():  # planted: MS511
            cloud[tag.name] = cloud.get(tag.name, 0) + 1
    return JsonResponse(cloud)


def tag_cloud_twin(request):
    cloud = {}
    for product in Product.objects.active().prefetch_related("tags"):
        for tag in product.tags.all():  # twin: MS511
            cloud[tag.name] = cloud.get(tag.name, 0) + 1
    return JsonResponse(cloud)


def approved_reviews(request):
    approved = Prefetch("reviews", queryset=Review.objects.filter(is_approved=True), to_attr="approved")
    products = Product.objects.prefetch_related(approved)
    return JsonResponse({
        p.slug: [(r.author_name, r.product.slug) for r in p.approved] for p in products  # twin: MS511
    })


def latest_review_per_product(request):
    latest = {}
    for product in Product.objects.prefetch_related("reviews"):
        newest = product.reviews.order_by("-created_at").first()  # planted: MS511
        latest[product.slug] = newest.rating if newest else None
    return JsonResponse(latest)


def product_list(request):
    products = Product.objects.filter(is_active=True)
    return render(request, "catalog/product_list.html", {"products": products})


def product_list_twin(request):
    products = Product.objects.filter(is_active=True).select_related("category").annotate(
        review_count=Count("reviews")
    )
    return render(request, "catalog/product_list_twin.html", {"products": products})


class ProductGridView(ListView):
    model = Product
    template_name = "catalog/product_grid.html"


class ProductGridTwinView(ListView):
    queryset = Product.objects.prefetch_related("images")
    context_object_name = "products"
    template_name = "catalog/product_grid_twin.html"


class CategoryView(DetailView):
    model = Category
    template_name = "catalog/category.html"


def category_products(request, slug):
    category = get_object_or_404(Category, slug=slug)  # twin: MS501
    products = Product.objects.filter(category=category, is_active=True)  # twin: MS501
    return JsonResponse({"names": [p.name for p in products]})


def low_stock(request):
    threshold = int(request.GET.get("below", 5))
    return JsonResponse({"skus": list(Product.objects.filter(stock__lt=threshold).values_list("sku", flat=True))})  # planted: MS501


def top_products(request):
    return JsonResponse({"slugs": [p.slug for p in Product.objects.order_by("-view_count")[:10]]})  # planted: MS501


def newest_products(request):
    return JsonResponse({"slugs": [p.slug for p in Product.objects.order_by("-published_at")[:10]]})  # twin: MS501


def product_by_sku(request, sku):
    product = get_object_or_404(Product, sku=sku)  # twin: MS501
    return JsonResponse({"name": product.name})


def search(request):
    query = request.GET.get("q", "")
    return JsonResponse({"slugs": [p.slug for p in Product.objects.filter(name__icontains=query)]})
