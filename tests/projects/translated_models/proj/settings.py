# German is the project's language: Django's own catalog translates "Email address" to "E-Mail-Adresse".
SECRET_KEY = "translated-models"
INSTALLED_APPS = ["shop"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "de"
USE_I18N = True
