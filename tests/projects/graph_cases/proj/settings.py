SECRET_KEY = "graph-cases"
INSTALLED_APPS = ["ledger", "billing"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
