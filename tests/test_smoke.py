import pytest
from django.apps import apps

from notoneless.registry.models import School


def test_every_domain_app_is_installed():
    labels = {app.label for app in apps.get_app_configs()}
    assert {"accounts", "audit", "registry", "retention"} <= labels


@pytest.mark.django_db
def test_database_is_migrated():
    assert School.objects.count() == 0
