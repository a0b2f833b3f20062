SECRET_KEY = "huge-runsql"
INSTALLED_APPS = ["bulk"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
