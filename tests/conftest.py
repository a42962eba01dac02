"""Test set-up: ``notoneless.settings_test`` (pyproject's pytest options) gives a throw-away data folder
and takes the database from the environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """A transactional test flushes the tables and the content types come back with new ids, while
    Django's in-process cache keeps the old ones: a later admin log entry would then point at a
    content type that no longer exists. Which test runs after which depends on how pytest-xdist
    shares the files out, so every test starts with an empty cache."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    ContentType.objects.clear_cache()
    # the dashboard caches by the latest audit row's id, which a rolled-back test gives out again
    cache.clear()
    yield
