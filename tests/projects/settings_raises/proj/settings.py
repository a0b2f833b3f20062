SECRET_KEY = "broken"
INSTALLED_APPS = ["django.contrib.contenttypes"]

raise RuntimeError("settings refuse to load outside production")
