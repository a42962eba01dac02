"""Settings for the test suite: the project's settings with a throw-away data folder (keys, uploads,
static root), chosen before the settings are read so nothing touches a real installation's folder."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("NOTONELESS_DATA_DIR", tempfile.mkdtemp(prefix="notoneless-test-"))
# The static root exists in a served installation (collectstatic); without it WhiteNoise warns.
(Path(os.environ["NOTONELESS_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

from notoneless.settings import *  # noqa: E402, F403
