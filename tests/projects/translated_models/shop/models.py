from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    # A lazily translated verbose name: the migration records the text as written.
    email = models.CharField(_("Email address"), max_length=254)
