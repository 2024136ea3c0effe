"""Settings for the test suite: the project's own, with a fixed key and a throwaway data dir."""

import os
import tempfile

os.environ.setdefault("MASTERYPATH_DEMO", "1")
os.environ.setdefault("MASTERYPATH_DATA_DIR", tempfile.mkdtemp(prefix="masterypath-test-"))

from masterypath.settings import *  # noqa: F403

# Hashing with the default algorithm costs ~0.3 s a password; tests need speed, not strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
