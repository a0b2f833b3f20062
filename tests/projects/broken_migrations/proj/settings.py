SECRET_KEY = "broken-migrations"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "healthy",
    "syntax_error",
    "missing_package",
    "missing_dependency",
    "cycle",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
