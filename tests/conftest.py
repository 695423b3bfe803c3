"""Shared fixtures. The demo municipality (size S) is generated once per session and loaded
into the test database, so registry, connector and page tests run on realistic data."""

from pathlib import Path

import pytest

from meldpunt.accounts import services as account_services

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "assets" / "axe.min.js"


@pytest.fixture(scope="session")
def generated_s(tmp_path_factory):
    from meldpunt.demo.generator.build import build

    out = tmp_path_factory.mktemp("gemeente-S")
    return build("S", out, seed=479)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, generated_s):
    from meldpunt.demo import loader

    with django_db_blocker.unblock():
        loader.load(generated_s.out_dir)
        _DEMO_SNAPSHOT.update(_snapshot_in_memory_sqlite())


# A copy of the freshly loaded test database (SQLite in memory only), so a live-server test gets
# the demo back in a fraction of a second after a flush instead of loading it again (25-60 s).
_DEMO_SNAPSHOT: dict = {}


def _snapshot_in_memory_sqlite() -> dict:
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return {}
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    return {"sqlite": copy}


def _restore_demo_snapshot() -> bool:
    """Put the database back as the session loaded it (schema, demo, migration data, sequences)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    copy = _DEMO_SNAPSHOT.get("sqlite")
    if copy is None:
        return False
    connection.ensure_connection()
    copy.backup(connection.connection)
    ContentType.objects.clear_cache()  # the flush's post_migrate made its own rows meanwhile
    return True


# A unit test runs without the database, so `pytest -m unit` never generates the demo municipality.
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "make_user", "generated_s",
                               "live_server", "demo_reloaded", "orm_next_to_playwright"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("unit") and (item.get_closest_marker("django_db") or
                                                DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            raise pytest.UsageError(f"{item.nodeid} is gemarkeerd als unit maar gebruikt de database.")
    # Tests with a live server flush the database afterwards; run them last so the session's
    # demo data is there for every other test.
    def flushes(item):
        names = getattr(item, "fixturenames", ())
        return any(n in names for n in ("live_server", "transactional_db"))

    # Browser tests last of all: once Playwright's session browser runs, its event loop stays in
    # the test thread, and a later test outside orm_next_to_playwright meets Django's async guard.
    def uses_browser(item):
        return "browser" in getattr(item, "fixturenames", ())

    items.sort(key=lambda item: (flushes(item), uses_browser(item)))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache. The refusal counters are per user id and the database
    reuses ids after a rollback, so one test's burst of refusals must not silence the next test's
    security event (privacy.refusals); the beeld cache is keyed per snapshot id for the same reason."""
    from django.core.cache import cache  # noqa: PLC0415 (settings are set up by pytest-django first)

    cache.clear()
    yield


@pytest.fixture
def home_gemeente(db):
    """The home tenant, Zaanstad (ADR 0030 §12). It is there in every test without asking: the test
    settings set MELDPUNT_GEMEENTE=GM0479 and tenancy's post_migrate makes it on migrate and again
    after every flush (so live-server threads and transactional tests have it too), and every
    service and factory gives a new record the installation's only gemeente."""
    from meldpunt.tenancy.home import home_tenant

    return home_tenant()


@pytest.fixture
def make_user(db):
    """``make_user(*roles, gemeente=None)``: a user with ``roles`` in ``gemeente`` (a Tenant or its
    code; default the installation's only gemeente). More roles elsewhere: ``grant_roles``."""
    counter = {"n": 0}

    def make(*roles, username=None, password="een-lang-wachtwoord-voor-tests", gemeente=None):
        counter["n"] += 1
        name = username or f"{'-'.join(roles) or 'geenrol'}-{counter['n']}"
        return account_services.create_user(name, password, list(roles), gemeente=gemeente)

    return make


def make_tenant(code="GM0880", naam="Wormerland", prefix="WL"):
    """A second aangesloten gemeente (ADR 0030), with its own key slot and log chain."""
    from meldpunt.tenancy.home import tenant_created  # noqa: PLC0415 (settings are set up by pytest-django first)
    from meldpunt.tenancy.models import Tenant  # noqa: PLC0415

    tenant, made = Tenant.objects.get_or_create(code=code, defaults={
        "naam": naam, "reference_prefix": prefix, "key_slot": code, "log_chain": f"verwerking:{code}",
        "register_uri": f"urn:nl:{code.lower()}:register"})
    if made:  # its own sources (protocol.sources), as for every new tenant
        tenant_created.send(sender=Tenant, tenant=tenant)
    return tenant


def grant_roles(user, *roles, gemeente=None, regio=None):
    """Give ``user`` ``roles`` in one more gemeente (or, the analist, a regio); returns the user
    with its role cache cleared."""
    for role in roles:
        account_services.grant_role(user, role, gemeente=gemeente, regio=regio)
    user.forget_roles()
    return user


@pytest.fixture
def wormerland(db):
    """A second tenant, Wormerland (GM0880), next to the home gemeente Zaanstad."""
    return make_tenant()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium ontbreekt: .ci/run installeert het Debian-pakket 'chromium'.")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def orm_next_to_playwright(django_db_setup):
    """Playwright's sync API keeps an event loop in the test thread, while the ORM calls of browser
    tests stay synchronous: lift Django's async guard for that module only. Asking for the test
    database first sets it up before the browser starts, so it is torn down after it."""
    import os

    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if old is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


def axe_violations(page) -> list:
    """Run axe-core on the page (the page must be opened with bypass_csp for the injection)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


@pytest.fixture
def demo_reloaded(transactional_db, generated_s):
    """For live-server tests: tests with a live server flush the database afterwards. Load the
    demo municipality again if an earlier test did, so pages and the API show real data."""
    from meldpunt.demo import loader

    if not loader.is_loaded() and not _restore_demo_snapshot():
        loader.load(generated_s.out_dir)


@pytest.fixture
def visit(live_server, demo_reloaded, browser):
    """One browser context on the live server with the demo loaded (test_browser_pages.Visit)."""
    from test_browser_pages import SCREENSHOTS, Visit

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    v = Visit(browser, live_server.url)
    yield v
    v.context.close()
