SECRET_KEY = "concurrently-atomic"
INSTALLED_APPS = ["django.contrib.postgres", "shop"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
