import sys
from pathlib import Path

# Third-party code vendored into the repository, as some projects do: installed, importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "vendor"))

SECRET_KEY = "third-party"
INSTALLED_APPS = ["fancy_fields", "shop", "healthy"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
