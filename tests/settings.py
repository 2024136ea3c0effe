"""Settings for the test suite: the project's own, with a fixed key and a throwaway data dir.

Tasks run at once, in the test, unless a test picks another backend (tests/jobs/test_workers.py
runs them through real workers). The queue name is this run's own, so that two runs sharing the
machine's Redis never take each other's tasks.
"""

import os
import tempfile
import uuid

os.environ.setdefault("MASTERYPATH_DEMO", "1")
os.environ.setdefault("MASTERYPATH_DATA_DIR", tempfile.mkdtemp(prefix="masterypath-test-"))
os.environ.setdefault("MASTERYPATH_TASKS", "immediate")
os.environ.setdefault("MASTERYPATH_TASKS_QUEUE", f"masterypath-test-{uuid.uuid4().hex[:12]}")

from masterypath.settings import *  # noqa: F403

# Hashing with the default algorithm costs ~0.3 s a password; tests need speed, not strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that a worker process started by a test sees the test database
    # (pytest-django adds a suffix per xdist worker; as fast as memory, measured).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
