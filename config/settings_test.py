"""Test settings: the real settings module with speed knobs only."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_HTTPS", "0")
# Each test process keeps its cache in memory (cleared before every test); production shares the database's.
os.environ.setdefault("CACHE_URL", "locmem://")
# Uploaded and rendered files go to a throw-away folder, not the developer's var/media: one per test process.
# pytest-xdist's workers inherit the environment of the process that started them, so a folder made there
# would be shared, and two workers (each with its own database, whose ids overlap) would read and delete each
# other's files. A `db_worker` a test starts keeps its test process's folder (or the one the test gives it).
_media_owner = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("PWP_TEST_MEDIA_OWNER") != _media_owner:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"pwp-test-media-{_media_owner}-")
    os.environ["PWP_TEST_MEDIA_OWNER"] = _media_owner

from config.env import env_str  # noqa: E402
from config.settings import *  # noqa: E402, F403
from config.settings import STORAGES  # noqa: E402

# Tests sign personas in with a password only; tests/accounts/test_second_factor.py turns the rule on.
SECOND_FACTOR_REQUIRED_FOR = []
# A fast hash: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process, at once, so tests see their results; a separate test exercises the real worker.
# TASKS_BACKEND lets the real-worker test run a `db_worker` subprocess against the test database.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}
# Writes in tests do not queue background portfolio renders (tests of that turn it on).
PORTFOLIO_PRERENDER = False
# Nor do they work trainees' facts out again ahead (tests/trainees/test_facts.py turns it on).
REMEMBER_AHEAD = False
# No collectstatic before tests.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# WhiteNoise indexes WHITENOISE_ROOT each time a test client builds its handler; tests need no icons.
WHITENOISE_ROOT = None
# Transactional and browser tests commit often; on PostgreSQL a test database need not wait for each commit
# to reach the disk (a crash loses a test run, nothing else).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
# Under mutmut (`make mutation`) the rules' tests run once per mutant: a test database kept in a file and
# reused (`--reuse-db` in [tool.mutmut]) spares migrating a new one for every mutant. Elsewhere: in memory.
if "MUTANT_UNDER_TEST" in os.environ and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "mutation-tests.sqlite3")}  # noqa: F405
