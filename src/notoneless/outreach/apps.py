from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "notoneless.outreach"
