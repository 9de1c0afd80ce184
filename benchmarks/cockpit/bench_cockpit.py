"""Cockpit speed at scale, on PostgreSQL: a street with 100,000 residents and a year of activity, and a city of
700 communities. The pages read stored monthly snapshots; the scheduled job computes them. Targets: street page
under 300 ms, city page under 1 s. Not a test: `make bench` runs it.

Uses a scratch database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/linli_cockpit_bench).
The pages are timed over HTTP as a browser gets them: gunicorn (4 workers) with the production settings and
persistent database connections (benchmarks/served.py), signed in, one request after another, each page at least
20 times; the SQL queries of each page are counted in-process. Runs briefly on a shared machine: the load average
is written beside the figures.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/linli_cockpit_bench")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
STREET_MS, CITY_MS = 300, 1000


def ensure_database() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    admin = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(residents: int, communities: int, street_size: int) -> tuple[float, float]:
    """Build the city; returns (seconds to load, seconds the snapshot job took for the big street)."""
    from django.db import transaction
    from django.utils import timezone

    from linli.cockpit.framework import load_framework
    from linli.cockpit.models import Snapshot
    from linli.cockpit.services import snapshot_refresh
    from linli.people.models import Resident
    from linli.places.models import Building, Community, Household, Street

    rnd = random.Random(2026)
    started = time.monotonic()
    month = timezone.localdate().replace(day=1)
    with transaction.atomic():
        streets = [Street.objects.create(code=f"s{i:03d}", name=f"街道{i}") for i in range(max(1, communities // 10))]
        objs = [
            Community(
                street=streets[0 if i < street_size else 1 + i % (len(streets) - 1)],
                code=f"c{i:04d}",
                name=f"社区{i}",
                centre_lat=30.2 + rnd.random() / 10,
                centre_lng=120.1 + rnd.random() / 10,
            )
            for i in range(communities)
        ]
        Community.objects.bulk_create(objs)
        big = list(Community.objects.filter(street=streets[0]).order_by("code"))
        per = residents // len(big)
        today = timezone.localdate()
        for c in big:
            buildings = Building.objects.bulk_create(
                [Building(community=c, name=f"{b}幢", lat=c.centre_lat, lng=c.centre_lng) for b in range(40)]
            )
            households = Household.objects.bulk_create(
                [Household(community=c, building=buildings[h % 40], unit=f"{h}") for h in range(per // 3)]
            )
            Resident.objects.bulk_create(
                [
                    Resident(
                        community=c,
                        household=households[r % len(households)],
                        name=f"居民{r}",
                        birth_date=today - dt.timedelta(days=rnd.randint(0, 95 * 365)),
                    )
                    for r in range(per)
                ],
                batch_size=5000,
            )
    loaded = time.monotonic() - started
    framework = load_framework()
    started = time.monotonic()
    for c in big:
        for m in range(12):
            snapshot_refresh(community=c, month=(month - dt.timedelta(days=31 * m)).replace(day=1), framework=framework)
    job = time.monotonic() - started
    # The rest of the city: one year of snapshots each, written as the job would (values of a real one).
    template = Snapshot.objects.filter(community=big[0]).first()
    rows = []
    for c in Community.objects.exclude(street=streets[0]):
        for m in range(12):
            values = {
                k: (v * rnd.uniform(0.5, 1.2) if isinstance(v, int | float) else v) for k, v in template.values.items()
            }  # type: ignore[union-attr]
            values["supply_index"] = round(rnd.uniform(40, 98), 2)
            rows.append(
                Snapshot(
                    community=c,
                    month=(month - dt.timedelta(days=31 * m)).replace(day=1),
                    values=values,
                    figures=template.figures,
                    computed_at=timezone.now(),
                )
            )  # type: ignore[union-attr]
    Snapshot.objects.bulk_create(rows, batch_size=5000)
    from linli.core.database import refresh_statistics

    refresh_statistics()  # as after any bulk load: the pages are then planned for the rows there
    return loaded, job


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=700)
    parser.add_argument("--street-size", type=int, default=10, help="communities in the measured street")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="10,000 residents, 70 communities")
    args, _unknown = parser.parse_known_args()
    if args.quick:
        args.residents, args.communities = 10_000, 70
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.models import Role, RoleAssignment, User

    call_command("migrate", verbosity=0)
    loaded, job = load(args.residents, args.communities, args.street_size)
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # hashed as the production settings check it (the test settings that load the data hash with MD5)
    hasher = PBKDF2PasswordHasher()
    viewer = User.objects.create(mobile="13999999999", password=hasher.encode("bench-pass-2026", hasher.salt()))
    RoleAssignment.objects.create(user=viewer, role=Role.CITY_VIEWER)
    client = Client()
    client.force_login(viewer)
    client.get("/cockpit/city/")
    with CaptureQueriesContext(connection) as street_q:
        client.get("/cockpit/streets/s000/")
    with CaptureQueriesContext(connection) as city_q:
        client.get("/cockpit/city/")
    import served

    runs = max(20, args.runs)
    with served.serve(URL) as base:
        session, _csrf = served.sign_in(base, viewer.mobile, "bench-pass-2026")
        street_p50, street_p95, _s, _b = served.timed_get(f"{base}/cockpit/streets/s000/", runs, session)
        city_p50, city_p95, _s, _b = served.timed_get(f"{base}/cockpit/city/", runs, session)
    lines = [
        f"Last run ({dt.datetime.now():%Y-%m-%d %H:%M}, PostgreSQL, {os.cpu_count()} CPUs shared, load average "
        f"{os.getloadavg()[0]:.1f} at the end; over HTTP, {runs} requests a page): "
        f"{args.residents:,} residents in a street of {args.street_size} communities, {args.communities} communities, "
        "12 months of snapshots each.",
        "",
        "| page | p50 ms | p95 ms | target | queries |",
        "|---|---:|---:|---:|---:|",
        f"| street cockpit | {street_p50:.0f} | {street_p95:.0f} | < {STREET_MS} | {len(street_q)} |",
        f"| city cockpit | {city_p50:.0f} | {city_p95:.0f} | < {CITY_MS} | {len(city_q)} |",
        "",
        f"Loading took {loaded:.1f} s; the snapshot job for the street's {args.street_size} communities × 12 months "
        f"took {job:.1f} s ({job / (args.street_size * 12):.2f} s per community-month).",
    ]
    print("\n".join(lines))
    readme = Path(__file__).with_name("README.md")
    readme.write_text("# Cockpit benchmark\n\n" + __doc__.strip() + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    ok = street_p95 < STREET_MS and city_p95 < CITY_MS
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
