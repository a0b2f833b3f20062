"""An optional Django app: add "migsafe.django" to INSTALLED_APPS and run
``manage.py migsafe check`` (or any migsafe command) with the project's settings."""
