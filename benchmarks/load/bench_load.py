"""HTTP load on the pages residents and staff really use, served as in production, against a trivial view.

    .venv/bin/python benchmarks/load/bench_load.py [--users 10 50 100] [--seconds 30] [--page-seconds 15]

What it does, each time from scratch except the demo data (kept in BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/linli_load_bench, built once with `linli demo` and ANALYZEd):
gunicorn (4 sync workers) with `config.settings.production` and persistent connections serves the demo; locust
(FastHttpUser, no think time, one process on the same machine) signs nobody in during the run: each account's
session is made before it. Every figure is measured in the same run as the trivial view `/healthz/` (no database,
no session, no template): a page's throughput is reported as a ratio of it at the same number of users.
The mix holds write journeys made through the real pages (CSRF token and form, redirect followed, see
locustfile.py): a resident ordering then cancelling a 街坊汇 product, and booking then cancelling a facility slot.
Runs: the trivial view and the mix at each user count; each page and each journey alone at 10 users. Writes
README.md here. Run it briefly on a shared machine (the load average is written beside the figures).
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
import served  # noqa: E402  (benchmarks/served.py: gunicorn as in production, signing in)

BIN = Path(sys.executable).parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/linli_load_bench")
ACCOUNTS = {  # demo logins (README): password linli2026
    "resident": "13900000001",
    "steward": "13900000003",
    "admin": "13900000005",
    "street": "13900000008",
}
# (account, path, weight in the mix): a resident's week and the staff's day
MIX = [
    ("resident", "/", 6),
    ("resident", "/canteen/shibei/", 4),
    ("resident", "/ledger/", 3),
    ("resident", "/ledger/shop/", 3),
    ("resident", "/reports/mine/", 2),
    ("resident", "/services/my/", 2),
    ("steward", "/reports/shibei/queue/", 3),
    ("admin", "/cockpit/communities/shibei/", 2),
    ("street", "/cockpit/streets/ningwei/", 1),
    ("resident", "journey:order", 1),
    ("resident", "journey:booking", 1),
]
TRIVIAL = [("", "/healthz/", 1)]
WRITES: dict[str, object] = {}
WRITERS = 20  # residents the write journeys act as
NOTES = """## Notes

- The write journeys send the session and CSRF cookies a signed-in browser holds, but not the messages cookie a
  successful post sets (a browser would send it back and the next page would show and drop the message).
  Cancelling a booking redirects to "my bookings" whether or not it succeeded (the message says which), so a
  refused cancel is not counted as a failure; a refused order or booking is (it redirects elsewhere).
- The write journeys act as twenty residents (`WRITERS`) of the demo resident's community, each signed in
  (the benchmark gives them the demo password and 5,000 points from the community fund, in its own database), so
  that their orders and bookings lock different accounts and households, as a community's residents would. A paid
  service's booking holds the place and shows its payment page, which the journey reads. Runs before 2026-12-07
  booked as the demo's one resident and counted that redirect to the payment page as a refusal.
- The server runs as production does with Redis (`REDIS_URL`, a private redis-server started for the run when
  one is installed): sessions are read from the shared cache, so a signed-in page no longer reads its session
  from the database (one query of the 7–16 each page makes).
- The resident home: 21 queries before this round of work, 13 now (12 with the session in Redis; the household
  looked up once for the day's meals, classes, bookings and surveys; today's classes found with their first
  session of the day in one query). It is not
  cached: every part of it (today's meals and bookings, points, unread notices, surveys) is the user's own and
  changes with the user's own writes, which must show at once. `linli/home/tests/test_query_counts.py` pins the
  query counts of the home and the other busy pages.

## Where a page's time goes

`benchmarks/load/profile_pages.py` (Django's test client under the production settings with Redis, one process,
the locustfile's users, median of 15 requests; a machine at load average 11–12, so the ms are inflated and only
the queries and CPU ms compare well). Before and after the header was kept in the cache:

| page | queries before | after | CPU ms before | after | total ms before | after |
|---|---:|---:|---:|---:|---:|---:|
| `/` | 13 | 13 | 42.0 | 38.3 | 234 | 170 |
| `/canteen/shibei/` | 9 | 9 | 26.0 | 25.9 | 140 | 115 |
| `/ledger/` | 11 | 10 | 25.3 | 27.0 | 119 | 111 |
| `/ledger/shop/` | 6 | 5 | 17.5 | 17.0 | 76 | 61 |
| `/reports/mine/` | 5 | 5 | 17.3 | 16.6 | 80 | 72 |
| `/services/my/` | 10 | 9 | 38.7 | 39.0 | 174 | 161 |
| `/reports/shibei/queue/` | 9 | 7 | 25.1 | 21.4 | 109 | 92 |
| `/cockpit/communities/shibei/` | 14 | 12 | 33.9 | 30.7 | 160 | 115 |
| `/cockpit/streets/ningwei/` | 12 | 10 | 27.8 | 23.9 | 144 | 86 |
| order: confirm, order page, my orders (GET) | 5, 4, 5 | 4, 3, 4 | 11.8–16.1 | 11.7–16.3 | 55–75 | 41–68 |
| booking: facility, my bookings (GET) | 12, 10 | 12, 9 | 35.2, 41.4 | 33.3, 37.0 | 158, 191 | 158, 178 |

- What every page pays: middleware, the session (from Redis), the account (one query), then `base.html`. The
  header used to read the account's roles, and for staff the communities and streets behind them and their own
  resident record: `base.html` alone cost 3.6 ms and 1 query for a resident, 6–9 ms and 3 queries for staff. The
  header's links are now kept per account and language in the shared cache, under a version that any save or
  delete of a role, street, community or resident renews (`linli/home/context_processors.py`): `base.html` is
  1.7 ms and no query once kept. Without a shared cache (production without `REDIS_URL`) it is read on each page.
- Templates come from Django's cached loader in production (no `loaders` option and `DEBUG` off).
- The rest is each page's own: Django's ORM compiling each query (0.5–1 ms of CPU each) and the wait for
  PostgreSQL (mostly planning, which grows with the tables a query joins), then the rows of the page's lists.
  "My bookings" (`/services/my/`) is the costliest in CPU: its template renders 74 lines for the demo resident
  (50 bookings, 24 meals) in 18.6 ms, about 0.25 ms a line and 1,300 variable lookups a page; fewer lines or lines
  formatted in Python would be the next step there.

Second round (the pages' own work), measured the same way on a copy of the demo database, the branch point and
the result run by turns three times (median of 15 requests each; load average 6–8, so a page's CPU ms still
varies by ±20 % from run to run: the lowest of the three is given):

| page | queries before | after | CPU ms before | after |
|---|---:|---:|---:|---:|
| `/` | 13 | 12 | 29.5 | 29.7 |
| `/canteen/shibei/` | 9 | 9 | 48.5 | 39.9 |
| `/cockpit/communities/shibei/` | 12 | 11 | 18.4 | 15.3 |
| `/cockpit/streets/ningwei/` | 10 | 9 | 15.9 | 12.1 |
| booking: facility, a day of it | 12, 12 | 12, 12 | 25.0, 25.1 | 22.9, 22.5 |

- The canteen's menus list the coming week for every member of the household: 196 lines (49 menus × 4 members)
  for the demo resident, most of the page's time in its template. Each member's "name (age)" and order button
  are now worded once per member and age in the view, the order URL once per menu, and the line's fixed words
  translated once for the page (`linli/canteen/templates/canteen/menus.html`).
- The cockpit pages parsed the indicator framework (TOML) on every request: it is now parsed once per version
  of the file's text (`linli/cockpit/framework.py`). The community page read its community again for the month's
  view, the street page its communities again for the map: both use what the page has read.
- The home finds a class's first session today in the enrolments' query (a subquery) instead of a prefetch.
- The facility page writes its "for whom" options once for all its slots.
- The other pages did not change; their figures moved within the noise above.

Third round (cockpit screens kept, the queue's and the lists' lines), measured the same way on a demo database of
its own: the branch point and the result by turns, twice (median of 20 requests each; load average 12–16, the
machine shared, so a page's CPU ms varies by ±20 % from run to run: the lower of the two is given):

| page | queries before | after | CPU ms before | after |
|---|---:|---:|---:|---:|
| `/` | 12 | 12 | 37.2 | 36.0 |
| `/canteen/shibei/` | 9 | 9 | 51.0 | 51.0 |
| `/services/my/` | 9 | 9 | 28.8 | 28.0 |
| `/reports/shibei/queue/` | 7 | 7 | 21.8 | 13.8 |
| `/cockpit/communities/shibei/` | 11 | 6 | 25.1 | 10.5 |
| `/cockpit/streets/ningwei/` | 9 | 7 | 20.6 | 10.6 |

- The community and street cockpit screens show stored snapshots, which change when the scheduled job stores
  them again: their HTML is kept in the shared cache per screen, month asked, day and language, under a version
  that any save or delete of a snapshot, community or street renews (`linli/cockpit/screens.py`), for ten minutes
  at most. The map is kept on its own as before (by its health check and register); who may open a screen is
  checked on every request. A kept screen costs the session, the account, the community or street, the roles and
  the map's three reads. Without Redis nothing is kept (the task worker stores the snapshots).
- The work queue's 50 lines had a link reversed, a description cut, a status and a level named and a time
  formatted by template tags on each line: now once per page in the view. "My bookings" reverses each list's
  cancel and withdraw links once per list (`linli/core/links.py`); the canteen's lines word what one pays and
  the subsidy once per amount of the week. The pages' HTML is the same as before (compared on the demo, in both
  languages).
- The canteen's menus stay the costliest page in CPU: 196 lines for the demo resident, two thirds of the page in
  its template (each line a form with its own fields). The home, the points pages and the shop did not change.

Fourth round (the resident pages' own lines), measured with `profile_pages.py --runs 20` on the load benchmark's
demo database, without Redis (sessions read from the database, the header read on each page), the branch point
and the result by turns, twice (load average 9.7–10.4: the lower of the two is given):

| page | queries before | after | CPU ms before | after |
|---|---:|---:|---:|---:|
| `/` | 13 | 13 | 25.9 | 24.6 |
| `/canteen/shibei/` | 10 | 10 | 48.2 | 26.9 |
| `/ledger/` | 12 | 12 | 18.7 | 17.5 |
| `/ledger/shop/` | 7 | 7 | 13.7 | 12.0 |
| `/services/my/` | 11 | 11 | 24.0 | 26.2 |

- The canteen's 196 lines were each a form of a dozen template nodes (a `{% csrf_token %}`, a tuple's items looked
  up by index, which Django's lookup tries as a key and an attribute first): one tag per menu now writes its
  forms from words prepared once per page (`linli/canteen/menu_page.py`, `canteen_menus.order_forms`), and the
  menu's day, meal, price, serving and cut-off times and portions left are worded once per value of the week.
- The shop reverses its products' order links once per page, the points statement translates its column names
  once (not on each row), "my bookings" words each "by X for Y" once per maker and resident, and the home reads
  today's meals without what was paid for them (which it does not show). Those pages changed within the noise.
- The pages' HTML is the same as before but for blank lines, compared on the demo for seven accounts, in both
  languages, in standard and large text. What is left on the home, the points and "my bookings" is mostly the
  ORM compiling their 11–13 queries (about 1 ms each) and the session and account reads every page makes."""

GOALS = "mix ≥ 0.3 of the trivial view, no page below 0.15, p95 < 500 ms at 50 users"


def manage(*args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=served.env(URL), check=True)


def ensure_demo() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    admin = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage("demo", "--if-empty")
    print(f"demo data ready ({time.monotonic() - started:.0f} s)", flush=True)
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("ANALYZE")


def writes(mobile: str) -> dict[str, object]:
    """What the write journeys use: products the resident can order online (points only, in stock, affordable many
    times over) and the facility of their community with the most bookable slots ahead."""
    import psycopg

    # enough points for every virtual user to hold an order at once: a grant from the community fund, once
    topup = (
        "from linli.ledger import services as s; from linli.people.models import Resident as R; "
        f"r = R.objects.get(user__mobile='{mobile}'); "
        "s.points_transfer(community=r.community, from_account=s.funding_account(r.community, 'community_fund', "
        "'points'), to_account=s.resident_account(r), points=100000, idempotency_key='load-bench-grant', "
        "memo='load benchmark', kind='grant')"
    )
    manage("shell", "-c", topup)
    with psycopg.connect(URL) as conn:
        resident, community, code, balance = conn.execute(
            "SELECT r.id, r.community_id, c.code, COALESCE(a.balance, 0) FROM people_resident r"
            " JOIN accounts_user u ON u.id = r.user_id JOIN places_community c ON c.id = r.community_id"
            " LEFT JOIN ledger_account a ON a.resident_id = r.id AND a.unit = 'points' WHERE u.mobile = %s",
            (mobile,),
        ).fetchone()
        products = [
            row[0]
            for row in conn.execute(
                "SELECT p.id FROM ledger_product p JOIN ledger_merchant m ON m.id = p.merchant_id"
                " WHERE p.community_id = %s AND p.active AND m.status = 'approved' AND p.price_fen = 0"
                " AND p.price_points BETWEEN 1 AND %s AND p.stock >= 100 ORDER BY p.id LIMIT 20",
                (community, max(1, balance // 200)),
            )
        ]
        facility = conn.execute(
            "SELECT f.id FROM facilities_facility f JOIN facilities_service s ON s.facility_id = f.id"
            " JOIN facilities_slot sl ON sl.service_id = s.id WHERE f.community_id = %s AND sl.starts_at > now()"
            " + interval '1 day' AND NOT sl.cancelled AND sl.booked < sl.capacity"
            " GROUP BY f.id ORDER BY count(*) DESC, f.id LIMIT 1",
            (community,),
        ).fetchone()
    if not products or facility is None:
        raise SystemExit(f"the demo offers resident {resident} no product to order or slot to book")
    return {"products": products, "facility": f"/services/{code}/facilities/{facility[0]}/"}


def prepare_writers(mobile: str, n: int) -> list[str]:
    """The mobiles of `n` residents of `mobile`'s community who live there, each of another household, with an
    account: each is given the demo password and 5,000 points (a grant from the community fund, once) for the write
    journeys."""
    script = f"""
import json
from linli.ledger import services as s
from linli.people.models import Resident as R
me = R.objects.get(user__mobile='{mobile}')
chosen, households = [], {{me.household_id}}
for r in (
    R.objects.filter(community=me.community, moved_out_on__isnull=True, household__isnull=False, user__is_active=True)
    .select_related('user').order_by('pk')
):
    if r.household_id not in households and len(chosen) < {n}:
        chosen.append(r)
        households.add(r.household_id)
fund = s.funding_account(me.community, 'community_fund', 'points')
for r in chosen:
    if not r.user.check_password('linli2026'):
        r.user.set_password('linli2026')
        r.user.save(update_fields=['password'])
    s.points_transfer(community=me.community, from_account=fund, to_account=s.resident_account(r), points=5000,
        idempotency_key=f'load-bench-writer:{{r.pk}}', memo='load benchmark', kind='grant')
print(json.dumps([r.user.mobile for r in chosen]))
"""
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=served.env(URL),
        check=True,
        capture_output=True,
        text=True,
    )
    mobiles: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    if len(mobiles) < n:
        raise SystemExit(f"the demo has only {len(mobiles)} residents to write as, not {n}")
    return mobiles


def run_locust(
    base: str, pages: list[tuple[str, str, int]], users: int, seconds: int, sessions: dict[str, tuple[str, str]]
):
    drain(base)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "run")
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--loglevel",
                "ERROR",
            ],
            env={
                **os.environ,
                "LOAD_SESSIONS": json.dumps({a: s for a, (s, _c) in sessions.items()}),
                "LOAD_CSRF": json.dumps({a: c for a, (_s, c) in sessions.items()}),
                "LOAD_PAGES": json.dumps(pages),
                "LOAD_WRITES": json.dumps(WRITES),
            },
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
    return rows


def drain(base: str) -> None:
    """Wait until the workers have worked off what the previous run left queued (at 100 users, many seconds of
    requests): the trivial view must answer within half a second before the next run starts."""
    for _ in range(240):
        started = time.monotonic()
        urllib.request.urlopen(base + "/healthz/", timeout=120).read()
        if time.monotonic() - started < 0.5:
            return
        time.sleep(0.5)


def figures(row: dict[str, str]) -> dict[str, float]:
    """One row of locust's statistics; a page that answered nothing in the time has no percentiles (N/A)."""

    def number(key: str) -> float:
        return float(row[key]) if row.get(key, "N/A") not in ("N/A", "") else float("nan")

    return {
        "rps": number("Requests/s") if row.get("Request Count", "0") != "0" else 0.0,
        "p50": number("50%"),
        "p95": number("95%"),
        "p99": number("99%"),
        "n": int(row["Request Count"]),
        "failed": int(row["Failure Count"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=int, default=30, help="each mix and trivial run")
    parser.add_argument("--page-seconds", type=int, default=15, help="each page alone, at 10 users")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    ensure_demo()
    WRITES.update(writes(ACCOUNTS["resident"]))
    writers = {f"writer{i}": mobile for i, mobile in enumerate(prepare_writers(ACCOUNTS["resident"], WRITERS))}
    WRITES["writers"] = list(writers)
    with served.serve(URL) as base:
        sessions = {
            account: served.sign_in(base, mobile, "linli2026") for account, mobile in {**ACCOUNTS, **writers}.items()
        }
        for account, path, _w in MIX:  # warm every worker's caches and connections, and check each page answers
            if path.startswith("journey:"):
                continue
            for _ in range(8):
                request = urllib.request.Request(
                    base + path, headers={"Cookie": f"sessionid={sessions[account][0]}", "Accept-Language": "zh-hans"}
                )
                urllib.request.urlopen(request).read()
        results: dict[int, dict[str, dict[str, float]]] = {}
        by_request: dict[int, dict[str, dict[str, float]]] = {}
        for users in args.users:
            trivial = figures(run_locust(base, TRIVIAL, users, args.seconds, sessions)["Aggregated"])
            mix = run_locust(base, MIX, users, args.seconds, sessions)
            results[users] = {"trivial": trivial, **{name: figures(row) for name, row in mix.items()}}
            by_request[users] = {name: figures(row) for name, row in mix.items() if name != "Aggregated"}
            print(
                f"{users:>4} users: trivial {trivial['rps']:.0f}/s, mix {results[users]['Aggregated']['rps']:.1f}/s "
                f"({results[users]['Aggregated']['rps'] / trivial['rps']:.2f}), "
                f"p95 {results[users]['Aggregated']['p95']:.0f} ms",
                flush=True,
            )
        alone: dict[str, dict[str, float]] = {}
        trivial10 = figures(run_locust(base, TRIVIAL, 10, args.page_seconds, sessions)["Aggregated"])
        for account, path, _w in MIX:
            rows = run_locust(base, [(account, path, 1)], 10, args.page_seconds, sessions)
            alone[path] = figures(rows["Aggregated"])
            if path.startswith("journey:"):  # each request of the journey, then the journey's requests together
                alone[path]["steps"] = {name: figures(row) for name, row in rows.items() if name != "Aggregated"}
            print(f"  {path}: {alone[path]['rps']:.1f}/s ({alone[path]['rps'] / trivial10['rps']:.2f})", flush=True)
    report = render(args, results, by_request, alone, trivial10)
    print(report)
    if not args.no_readme:
        (HERE / "README.md").write_text(report, encoding="utf-8")


def render(args, results, by_request, alone, trivial10) -> str:  # type: ignore[no-untyped-def]
    load = os.getloadavg()[0]
    lines = [
        "# Load benchmark: pages as users get them",
        "",
        __doc__.strip(),
        "",
        f"Goals: {GOALS}. Machine: {os.cpu_count()} cores, load average {load:.1f} when the run ended; "
        "locust runs on the same cores as the server, the same for the trivial view and the pages.",
        "",
        "## The mix (weights: " + ", ".join(f"`{p}` {w}" for _a, p, w in MIX) + ")",
        "",
        "| users | trivial view /s | mix /s | ratio | p50 ms | p95 ms | p99 ms | failed |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for users, r in results.items():
        m, t = r["Aggregated"], r["trivial"]
        lines.append(
            f"| {users} | {t['rps']:.0f} | {m['rps']:.1f} | {m['rps'] / t['rps']:.2f} | {m['p50']:.0f} | "
            f"{m['p95']:.0f} | {m['p99']:.0f} | {m['failed']} of {m['n']} |"
        )
    for users, rows in by_request.items():
        t = results[users]["trivial"]
        lines += [
            "",
            f"### Per request type in the mix, {users} users (ratio: its requests/s to the trivial view's)",
            "",
            "| request | /s | ratio | p50 ms | p95 ms | p99 ms | failed |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, f in sorted(rows.items()):
            lines.append(
                f"| `{name}` | {f['rps']:.1f} | {f['rps'] / t['rps']:.3f} | {f['p50']:.0f} | {f['p95']:.0f} | "
                f"{f['p99']:.0f} | {f['failed']} of {f['n']} |"
            )
    lines += [
        "",
        f"## Each page alone, 10 users ({args.page_seconds} s each; trivial view {trivial10['rps']:.0f}/s)",
        "",
        "| page | /s | ratio | p50 ms | p95 ms | p99 ms | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for path, f in alone.items():
        lines.append(
            f"| `{path}` | {f['rps']:.1f} | {f['rps'] / trivial10['rps']:.2f} | {f['p50']:.0f} | {f['p95']:.0f} | "
            f"{f['p99']:.0f} | {f['failed']} of {f['n']} |"
        )
        for name, step in sorted(f.get("steps", {}).items()):  # type: ignore[union-attr]
            lines.append(
                f"| ↳ `{name}` | {step['rps']:.1f} | {step['rps'] / trivial10['rps']:.3f} | {step['p50']:.0f} | "
                f"{step['p95']:.0f} | {step['p99']:.0f} | {step['failed']} of {step['n']} |"
            )
    met = [
        ("mix ≥ 0.3", all(r["Aggregated"]["rps"] / r["trivial"]["rps"] >= 0.3 for r in results.values())),
        (
            "no page below 0.15",
            all(f["rps"] / trivial10["rps"] >= 0.15 for p, f in alone.items() if not p.startswith("journey:")),
        ),
        ("p95 < 500 ms at 50 users", 50 in results and results[50]["Aggregated"]["p95"] < 500),
    ]
    lines += ["", "Goals met: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in met), "", NOTES, ""]
    return "\n".join(re.sub(r"[ \t]+$", "", line) for line in lines)


if __name__ == "__main__":
    main()
