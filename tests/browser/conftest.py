"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright's sync API against
pytest-django's ``live_server`` (a real HTTP server in a thread of the test process).

Every browser test is skipped, with the reason, when Playwright or Chromium is missing, except under
``CI=true``, where a missing browser fails the run (``.ci/run`` installs Debian's ``chromium``).
Playwright's own browser download does not work on these machines, so the browser is always
``/usr/bin/chromium`` (or ``chromium`` on PATH).

Tests here need ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``: the server
thread only sees committed data, and without ``serialized_rollback`` the flush after a transactional
test leaves PostgreSQL without the rows later tests expect (see ``aid/test_payments_concurrency.py``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from web.county import FAST_HASHERS, PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--headless",
    "--disable-background-networking",  # no calls home: only PyPI and Debian are reachable
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 15_000  # a page that does not answer fails the test in seconds, not minutes


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing_browser() -> str | None:
    """Why browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (uv sync installs the dev dependencies)"
    if chromium_path() is None:
        return (
            "no Chromium at /usr/bin/chromium or on PATH: apt-get install chromium "
            "(Playwright's own browser download does not work here)"
        )
    return None


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    """The real hasher takes 0.2 s per account; settings apply to the server thread as well."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A fresh Chromium page in Chinese (the users' language) with ``base_url`` at the live server.

    Playwright's sync API keeps an event loop running in this thread while the browser is open.
    Two consequences for the test's own ORM calls in that time:

    - Django refuses them (SynchronousOnlyOperation); they are plainly synchronous, hence
      DJANGO_ALLOW_ASYNC_UNSAFE, for these tests only.
    - Django keeps connections per thread *and* per async context, so they go through a second
      connection, which pytest-django does not know about; it is closed here before the loop
      stops, or PostgreSQL could not drop the test database at the end ("being accessed by
      other users").
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai"
            )
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
            context.close()
        finally:
            browser.close()
            connections.close_all()  # the connections of the loop's context (see above)


@pytest.fixture
def log_in(page: Page, fast_passwords: None) -> Callable[[str], Page]:
    """``log_in(username)``: the login form, filled and sent like a person would; returns the page."""

    def log_in(username: str, password: str = PASSWORD) -> Page:
        page.goto(reverse("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click(f'form[action="{reverse("login")}"] button[type="submit"]')
        if urlsplit(page.url).path != reverse("overview"):
            raise AssertionError(f"logging in as {username} failed: still at {page.url}")
        return page

    return log_in


SCREENSHOTS_ENV = "NOTONELESS_SCREENSHOTS"


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], None]:
    """``screenshot(name)``: the whole page as ``<name>.png`` in the folder ``$NOTONELESS_SCREENSHOTS``
    names (``.ci/run`` sets it to ``artifacts/screenshots``); nothing when it is unset."""
    folder = os.environ.get(SCREENSHOTS_ENV)

    def shoot(name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return shoot


@pytest.fixture
def worker(live_server: Any) -> Iterator[None]:
    """A job worker in a thread beside the live server, as ``notoneless demo`` runs one beside the web
    server, so that pages which queue a job see it run."""
    import threading

    from django.db import connections

    from notoneless.jobs.worker import Worker

    running = Worker(poll=0.2, name="browser-test")

    def run() -> None:
        try:
            running.run()
        finally:
            connections.close_all()  # this thread's connection, before the database is dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield
    running.stop()
    thread.join(timeout=30)
