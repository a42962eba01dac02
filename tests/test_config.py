"""Configuration from the environment: data folder, key file, strict booleans."""

import json
import stat

import pytest

from notoneless import config
from notoneless.config import ConfigError

KEY_VARIABLES = ("NOTONELESS_SECRET_KEY", "NOTONELESS_FIELD_KEYS", "NOTONELESS_LOOKUP_KEY")


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "nested"
    monkeypatch.setenv("NOTONELESS_DATA_DIR", str(folder))
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return folder


def test_data_dir_comes_from_the_environment_and_is_created(data_folder):
    assert not data_folder.exists()
    assert config.data_dir() == data_folder
    assert data_folder.is_dir()


def test_default_data_dir_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv("NOTONELESS_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert config.data_dir() == tmp_path / "xdg" / "notoneless"


def test_database_defaults_to_sqlite_in_the_data_folder(data_folder, monkeypatch):
    monkeypatch.delenv("NOTONELESS_DATABASE_URL", raising=False)
    assert config.database_url() == f"sqlite:///{data_folder / 'notoneless.sqlite3'}"
    monkeypatch.setenv("NOTONELESS_DATABASE_URL", "postgres://u@db:5432/nol")
    assert config.database_url() == "postgres://u@db:5432/nol"


def test_key_file_is_created_once_with_mode_600_and_reused(data_folder):
    secret = config.secret_key()
    key_file = data_folder / "keys.json"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_text()
    assert config.secret_key() == secret
    assert config.field_keys() == json.loads(first)["field_keys"]
    assert config.lookup_key() == json.loads(first)["lookup_key"].encode()
    assert key_file.read_text() == first
    assert not list(data_folder.glob("*.tmp"))


def test_keys_differ_between_installations(data_folder, tmp_path, monkeypatch):
    first = (config.secret_key(), config.field_keys(), config.lookup_key())
    monkeypatch.setenv("NOTONELESS_DATA_DIR", str(tmp_path / "other"))
    second = (config.secret_key(), config.field_keys(), config.lookup_key())
    assert all(a != b for a, b in zip(first, second, strict=True))


def test_keys_from_the_environment_win_and_no_key_file_is_written(data_folder, monkeypatch):
    monkeypatch.setenv("NOTONELESS_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("NOTONELESS_FIELD_KEYS", " new-key , old-key ,")
    monkeypatch.setenv("NOTONELESS_LOOKUP_KEY", "lookup")
    assert config.secret_key() == "s" * 50
    assert config.field_keys() == ["new-key", "old-key"]
    assert config.lookup_key() == b"lookup"
    assert not (data_folder / "keys.json").exists()


def test_field_keys_set_but_empty_is_refused(data_folder, monkeypatch):
    monkeypatch.setenv("NOTONELESS_FIELD_KEYS", " , ")
    with pytest.raises(ConfigError, match="NOTONELESS_FIELD_KEYS"):
        config.field_keys()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("off", False),
        ("", False),
    ],
)
def test_booleans_accept_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("NOTONELESS_TEST_FLAG", raw)
    assert config.env_bool("NOTONELESS_TEST_FLAG", default=not expected) is expected


def test_an_unset_boolean_takes_the_default(monkeypatch):
    monkeypatch.delenv("NOTONELESS_TEST_FLAG", raising=False)
    assert config.env_bool("NOTONELESS_TEST_FLAG", default=True) is True


@pytest.mark.parametrize("raw", ["maybe", "ture", "2", "y e s"])
def test_a_bad_boolean_raises_config_error_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("NOTONELESS_DEBUG", raw)
    with pytest.raises(ConfigError, match="NOTONELESS_DEBUG"):
        config.env_bool("NOTONELESS_DEBUG")


@pytest.mark.parametrize(("https", "secure"), [("true", "True"), ("false", "False")])
def test_https_makes_the_cookies_secure_and_trusts_the_proxy_header(tmp_path, https, secure):
    import os
    import subprocess
    import sys

    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = dict(
        os.environ,
        NOTONELESS_HTTPS=https,
        NOTONELESS_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="notoneless.settings",
    )
    env.pop("NOTONELESS_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[:2] == [secure, secure]
    assert ("HTTP_X_FORWARDED_PROTO" in " ".join(out)) is (https == "true")
