from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "notoneless.jobs"

    def ready(self) -> None:
        # each app declares the long work it runs as jobs in its own ``jobs.py``
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
