import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations
from hypothesis import HealthCheck, settings

from accounts.db import sqlite_protection_triggers
from accreditation.reference import load_schemes
from curriculum.models import CurriculumEdition
from curriculum.reference import load_curriculum
from tests.smtp import smtp_inbox  # noqa: F401 (a fixture for every test: a real SMTP server on loopback)
from tests.world import build_world
from trainees.caseload.reference import load_caseload_reference
from trainees.enrolment.facts import forget_bumped

# Property tests judge rules, not speed: on a shared, loaded machine (CI runs two suites side by side with
# other work) Hypothesis's "too slow" health check and per-example deadline fail for reasons unrelated to the
# code under test.
settings.register_profile("pwp", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pwp")


def ensure_reference_data():
    """The reference data every test relies on (the curriculum, the caseload ramps, the schemes), loaded
    again if a transactional test's flush took it. Each part is checked on its own. The flush itself calls
    it (below), so a test that runs after a transactional test on the same worker finds the data as the
    session loaded it, whether or not it asks for the `curriculum` fixture."""
    from accreditation.models import Scheme
    from trainees.caseload.models import RampProfile

    if not CurriculumEdition.objects.filter(is_current=True).exists():
        load_curriculum()
    if not RampProfile.objects.exists():
        load_caseload_reference()
    if not Scheme.objects.exists():
        load_schemes()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the national curriculum once; it is reference data every test relies on."""
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def curriculum(db):
    # Transactional tests flush the database, so load the reference data again if it has gone.
    ensure_reference_data()


@pytest.fixture
def world(curriculum):
    return build_world()


_sqlite_flush = SQLiteOperations.execute_sql_flush


def _flush_around_protection(self, sql_list):
    """Transactional tests end with a flush, which on SQLite is DELETE FROM: the immutability triggers
    rightly refuse it. Lift them for the flush only and put them straight back. (PostgreSQL flushes with
    TRUNCATE, which row triggers do not see.) Only the test database is ever flushed like this."""
    triggers = sqlite_protection_triggers(self.connection)
    with self.connection.cursor() as cursor:
        for name in triggers:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        _sqlite_flush(self, sql_list)
    finally:
        with self.connection.cursor() as cursor:
            for sql in triggers.values():
                cursor.execute(sql)
    ensure_reference_data()


SQLiteOperations.execute_sql_flush = _flush_around_protection

_postgres_flush = PostgresOperations.execute_sql_flush


def _postgres_flush_around_protection(self, sql_list):
    """On PostgreSQL the protected tables refuse TRUNCATE (accounts/db.py). Transactional tests end with a
    TRUNCATE flush of the test database: run it with triggers off (the test database's superuser may)."""
    with self.connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        _postgres_flush(self, sql_list)
    finally:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    ensure_reference_data()


PostgresOperations.execute_sql_flush = _postgres_flush_around_protection


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with an empty cache: counters kept there (the verification page's rate limit, for
    one) must not carry over into whichever test runs next in the same worker. The cache is a database table
    (CACHE_URL unset), emptied here before and after each test."""
    cache.clear()
    forget_bumped()  # as at the start of a request: a pk bumped by an earlier test may be used again
    yield
    cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """No test may leave a settings override behind. pytest-django's `settings` fixture undoes its changes
    when the test ends; a change made through it inside an `override_settings` block is undone after that
    block, out of order, and brings the block's values back for every later test in the process (a test
    once left the database task queue switched on, and browser tests far later waited for a worker that
    never came). The test that does it errors here, and the settings are put back for the next."""
    from django.conf import Settings
    from django.conf import settings as django_settings
    from django.core.signals import setting_changed

    result = yield
    leaked = django_settings._wrapped
    if isinstance(leaked, Settings):
        return result
    base = leaked
    while not isinstance(base, Settings):
        base = base.default_settings
    changed = sorted(name for name in vars(leaked) if name.isupper())
    django_settings._wrapped = base
    for name in changed:
        setting_changed.send(sender=Settings, setting=name, value=getattr(base, name, None), enter=False)
    raise AssertionError(f"{item.nodeid} left settings overridden after it ended: {', '.join(changed)}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Longest first, shared evenly. `make test` runs xdist's worksteal scheduling: each of the two workers
    gets one contiguous half of the run, and an idle worker takes the unstarted tail of the other's. Each half
    starts with half of the 320-pixel walks (about four minutes each), then half of the other browser
    journeys, then half of the rest, so both workers start their long tests at once and the run ends on
    short ones. In collection order the walks once sat together late in the run, and one worker ran them
    one after another while the other waited (the longest part of the PostgreSQL phase)."""
    walks = [item for item in items if "test_reflow.py::test_no_page_scrolls_sideways" in item.nodeid]
    journeys = [item for item in items if "/e2e/" in item.nodeid and item not in walks]
    rest = [item for item in items if "/e2e/" not in item.nodeid]
    halves = ([], [])
    for group in (walks, journeys, rest):
        middle = (len(group) + 1) // 2
        halves[0].extend(group[:middle])
        halves[1].extend(group[middle:])
    items[:] = halves[0] + halves[1]
