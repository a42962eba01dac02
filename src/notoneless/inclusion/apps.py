from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "notoneless.inclusion"
