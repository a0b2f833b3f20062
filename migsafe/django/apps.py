from django.apps import AppConfig


class MigsafeConfig(AppConfig):
    name = "migsafe.django"
    label = "migsafe"
    verbose_name = "migsafe"
