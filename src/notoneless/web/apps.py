from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "notoneless.web"
