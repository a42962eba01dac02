"""Settings for the test suite: the project's settings with a throw-away data folder (keys, uploads,
static root), chosen before the settings are read so nothing touches a real installation's folder.

Under pytest-xdist each worker takes a folder of its own inside it (``gw0``, ``gw1``, ...), so two
workers never race to create the key file or write the same upload."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("NOTONELESS_DATA_DIR", tempfile.mkdtemp(prefix="notoneless-test-"))
_folder = Path(os.environ["NOTONELESS_DATA_DIR"])
if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and _folder.name != worker:
    os.environ["NOTONELESS_DATA_DIR"] = str(_folder / worker)
# The static root exists in a served installation (collectstatic); without it WhiteNoise warns.
(Path(os.environ["NOTONELESS_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

from notoneless.settings import *  # noqa: E402, F403
