# The CI job did not install the project's requirements: this import fails, so Django
# cannot start and migsafe falls back to reading the migration files.
import payments_sdk_not_installed  # noqa: F401

SECRET_KEY = "uninstalled-requirements"
INSTALLED_APPS = ["shop"]
