"""Configuration from the environment, read once, with strict parsing.

Everything a deployment sets lives in environment variables:

- ``NOTONELESS_DATA_DIR``: the data folder (SQLite database, key file, uploads).
  Defaults to a per-user folder.
- ``NOTONELESS_DATABASE_URL``: a database URL; a SQLite file in the data folder when unset.
- ``NOTONELESS_SECRET_KEY``: Django's secret key; generated into the data folder when unset.
- ``NOTONELESS_FIELD_KEYS``: comma-separated field keys (32 bytes, base64url) for AES-GCM (first one encrypts)
  and ``NOTONELESS_LOOKUP_KEY`` for the keyed hash; both generated into the key file when unset.
- ``NOTONELESS_DEBUG``: ``true``/``false`` (default false).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from base64 import urlsafe_b64encode
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting in the environment cannot be used."""


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true or false)")


def default_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "notoneless"


def data_dir() -> Path:
    raw = os.environ.get("NOTONELESS_DATA_DIR")
    path = Path(raw).expanduser() if raw else default_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    return (
        os.environ.get("NOTONELESS_DATABASE_URL")
        or f"sqlite:///{data_dir() / 'notoneless.sqlite3'}"
    )


def _key_file() -> Path:
    return data_dir() / "keys.json"


def _load_or_create_key_file() -> dict[str, object]:
    """The embedded default keeps its keys in a file beside the database, created once (mode 600)."""
    path = _key_file()
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    keys: dict[str, object] = {
        "secret_key": secrets.token_urlsafe(50),
        "field_keys": [urlsafe_b64encode(secrets.token_bytes(32)).decode()],
        "lookup_key": secrets.token_urlsafe(32),
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(keys, handle)
    os.replace(tmp, path)
    return keys


def secret_key() -> str:
    return os.environ.get("NOTONELESS_SECRET_KEY") or str(_load_or_create_key_file()["secret_key"])


def field_keys() -> list[str]:
    raw = os.environ.get("NOTONELESS_FIELD_KEYS")
    if raw:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
        if not keys:
            raise ConfigError("NOTONELESS_FIELD_KEYS is set but holds no key")
        return keys
    stored = _load_or_create_key_file()["field_keys"]
    assert isinstance(stored, list)
    return [str(k) for k in stored]


def lookup_key() -> bytes:
    raw = os.environ.get("NOTONELESS_LOOKUP_KEY") or str(_load_or_create_key_file()["lookup_key"])
    return raw.encode()
