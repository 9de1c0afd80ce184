"""Shared test fixtures: two communities in one street, a third in another, and accounts for every role."""

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from linli.accounts.models import Role, RoleAssignment, User
from linli.people import idnumber
from linli.people.models import Resident
from linli.places.models import Building, Community, Grid, Household, Neighbourhood, Street

_mobiles = itertools.count(15500000000)  # a range no test writes out by hand
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.14, 30.29], [120.13, 30.29], [120.13, 30.28]]],
}


def next_mobile() -> str:
    return str(next(_mobiles))


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in the site's default language and leaves none behind: a page request activates its
    language on the thread and nothing deactivates it, so a test after an English page would see English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache() -> Any:
    """Each test starts with an empty cache: what one test's pages kept (an account's header) is not another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def reference_data(request: Any) -> None:
    """Transactional tests run on a flushed database: seed the catalogues the migrations would have."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        from linli.core.seeds import seed_all

        seed_all()


@pytest.fixture
def street(db: Any) -> Street:
    return Street.objects.create(code="ningwei", name="宁围街道")


@pytest.fixture
def other_street(db: Any) -> Street:
    return Street.objects.create(code="beigan", name="北干街道")


def make_community(street: Street, code: str, name: str, lng: float = 120.135, lat: float = 30.285) -> Community:
    d = 0.005
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]
        ],
    }
    community = Community.objects.create(
        street=street, code=code, name=name, centre_lat=lat, centre_lng=lng, boundary=boundary
    )
    hood = Neighbourhood.objects.create(community=community, name=f"{name}一区")
    grid = Grid.objects.create(community=community, code="G1", name=f"{name}红网格", boundary=boundary)
    building = Building.objects.create(
        community=community, neighbourhood=hood, grid=grid, name=f"{name}1幢", lat=lat, lng=lng, floors=6
    )
    Household.objects.create(community=community, building=building, unit="1单元101")
    return community


@pytest.fixture
def community(street: Street) -> Community:
    return make_community(street, "shibei", "市北社区")


@pytest.fixture
def other_community(street: Street) -> Community:
    return make_community(street, "limin", "利民社区", lng=120.165, lat=30.29)


@pytest.fixture
def far_community(other_street: Street) -> Community:
    return make_community(other_street, "guangde", "广德社区", lng=120.27, lat=30.18)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        role: str | None = None,
        community: Community | None = None,
        street: Street | None = None,
        password: str = "pass-word-123",
        **extra: Any,
    ) -> User:
        user = User.objects.create_user(mobile=next_mobile(), password=password, **extra)
        if role:
            RoleAssignment.objects.create(
                user=user, role=role, community=community if street is None else None, street=street
            )
        return user

    return make


@pytest.fixture
def users(make_user: Callable[..., User], community: Community, street: Street) -> dict[str, User]:
    """One account per role in `community` (and its street, and the city), plus an outsider with no role."""
    accounts = {
        role.value: make_user(role.value, community)
        for role in Role
        if role not in (Role.STREET_ADMIN, Role.CITY_VIEWER, Role.CITY_ADMIN)
    }
    accounts["street_admin"] = make_user(Role.STREET_ADMIN, street=street)
    accounts["city_viewer"] = make_user(Role.CITY_VIEWER)
    accounts["city_admin"] = make_user(Role.CITY_ADMIN)
    accounts["outsider"] = make_user()
    return accounts


def make_resident(
    community: Community, name: str = "周丽君", birth: dt.date = dt.date(1950, 3, 8), seq: int = 1, **extra: Any
) -> Resident:
    from linli.core import crypto

    number = idnumber.make_id_number("330109", birth, seq)
    return Resident.objects.create(
        community=community,
        name=name,
        birth_date=birth,
        household=community.households.first(),
        id_number_encrypted=crypto.encrypt(number),
        id_number_digest=crypto.digest(number),
        id_number_masked=idnumber.mask(number),
        **extra,
    )


@pytest.fixture
def resident(community: Community) -> Resident:
    return make_resident(community)


def client_for(user: User | None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """`postgres` tests (concurrency, locks) need PostgreSQL: on SQLite they are skipped, saying why.

    Every test that drives Chromium carries the `browser` mark, whether or not its module says so, so that a run can
    choose them with `-m browser` or leave them out with `-m "not browser"`.
    """
    from django.conf import settings

    browser = pytest.mark.browser
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and "browser" not in item.keywords:
            item.add_marker(browser)
    # A test that restores the migrated rows afterwards (`serialized_rollback`) reloads them with their own ids, so it
    # runs first of the tests that empty the tables: on PostgreSQL the content types and permissions an emptied
    # database gets again take new ids, and reloading the old ones would collide with them.
    restoring = [item for item in items if _restores_migrated_rows(item)]
    if restoring:
        rest = [item for item in items if not _restores_migrated_rows(item)]
        first = next((n for n, item in enumerate(rest) if _empties_tables(item)), len(rest))
        items[:] = rest[:first] + restoring + rest[first:]
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def _restores_migrated_rows(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


def _empties_tables(item: Any) -> bool:
    """Runs outside a rolled-back transaction, so the tables are emptied after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or bool({"transactional_db", "live_server"} & set(fixtures))


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Any:
    """Headless Debian Chromium driven by Playwright. Missing Chromium fails in CI and skips elsewhere."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` to run browser tests")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 420, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(page: Any, mobile: str, password: str = "pass-word-123") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=mobile]", mobile)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return str(path)


def run_together(jobs: list[Callable[[], Any]]) -> list[Exception]:
    """Start every job in its own thread at the same moment (PostgreSQL concurrency tests); the errors raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def wrap(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


# --- every role, as a client --------------------------------------------------------------------------------

ROLES = [role.value for role in Role]  # every role, in the order of `Role`
EVERY_ROLE = [*ROLES, "outsider"]  # the keys of `users`
EVERY_ROLE_AND_ANONYMOUS = [*EVERY_ROLE, "anonymous"]


@pytest.fixture
def role_client(users: dict[str, User]) -> Callable[..., Client]:
    """`role_client(role, language="zh-hans")`: a client logged in as `users[role]`; "anonymous" logs in nobody."""

    def client(role: str, language: str = "zh-hans") -> Client:
        return client_for(None if role == "anonymous" else users[role], language)

    return client
