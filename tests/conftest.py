"""Test set-up: a throw-away data folder (keys, uploads) and the database from the environment."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("NOTONELESS_DATA_DIR", tempfile.mkdtemp(prefix="notoneless-test-"))
# The static root exists in a served installation (collectstatic); without it WhiteNoise warns on
# every request the tests make.
(Path(os.environ["NOTONELESS_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
