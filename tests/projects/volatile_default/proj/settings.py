SECRET_KEY = "volatile-default"
INSTALLED_APPS = ["django.contrib.postgres", "events"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
