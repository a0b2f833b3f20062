from django.db import models


class ProductManager(models.Manager):
    """Default manager for Product; available inside data migrations too."""

    use_in_migrations = True

    def active(self):
        return self.filter(is_active=True)
