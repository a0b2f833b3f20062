SECRET_KEY = "resolve-base"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop", "blog"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
