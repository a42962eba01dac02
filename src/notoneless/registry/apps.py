from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "notoneless.registry"
    verbose_name = "Registers"
