"""Test set-up: a throw-away data folder (keys, uploads) and the database from the environment."""

import os
import tempfile

os.environ.setdefault("NOTONELESS_DATA_DIR", tempfile.mkdtemp(prefix="notoneless-test-"))
