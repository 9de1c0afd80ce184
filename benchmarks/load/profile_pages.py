"""Each page of the load mix, one process, under the production settings: queries, ms in SQL, ms in all (median of
`--runs` requests after a warm-up), as the users of the locustfile, with Django's test client. With `--profile PATH`
one page's requests run under cProfile and the costliest functions are printed.

    DATABASE_URL=postgres://…/<demo database> SECRET_KEY=… FIELD_ENCRYPTION_KEY=… [REDIS_URL=redis://…] \
        .venv/bin/python benchmarks/load/profile_pages.py [--runs 20] [--profile /] [--sort tottime]

The database must hold the demo (`linli demo`), built with the same FIELD_ENCRYPTION_KEY."""

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import served  # noqa: E402

for key, value in served.production_env(os.environ["DATABASE_URL"]).items():
    if key not in ("DATABASE_URL", "PYTHONPATH") and (key.startswith(("DJANGO_", "SECURE_", "SMS_", "PAYMENT_"))):
        os.environ[key] = value
os.environ.setdefault("SECRET_KEY", served.KEYS["SECRET_KEY"])
os.environ.setdefault("FIELD_ENCRYPTION_KEY", served.KEYS["FIELD_ENCRYPTION_KEY"])
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"

import django  # noqa: E402

django.setup()

import bench_load  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

bench_load.URL = os.environ["DATABASE_URL"]  # the journeys' products and facility are read from this database

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
BOOK = re.compile(r'action="(/services/[^/"]+/slots/\d+/book/)"')
DAY = re.compile(r'href="\?date=(\d{4}-\d{2}-\d{2})#')
MEMBER = re.compile(r'<option value="(\d+)">')
CANCEL_BOOKING = re.compile(r'action="(/services/[^/"]+/bookings/(\d+)/cancel/)"')


class QueryTimer:
    """Counts the queries and their time, without Django's debug cursor."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.sql: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.count += 1
            self.sql.append((took * 1000, _sql_text(sql, params, many)))


def _sql_text(sql: str, params, many: bool) -> str:  # type: ignore[no-untyped-def]
    if not params or many:
        return sql
    try:
        return connection.ops.compose_sql(sql, params)
    except Exception:  # a backend without it: the statement with its placeholders
        return sql


def client_for(mobile: str) -> Client:
    from linli.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(mobile=mobile))
    return client


def step(client: Client, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    response = client.post(path, data or {}) if method == "POST" else client.get(path)
    location = response.get("Location", "") if response.status_code == 302 else ""
    body = response.content.decode() if response.status_code == 200 else ""
    if response.status_code not in (200, 302):
        raise SystemExit(f"{method} {path}: HTTP {response.status_code}")
    return response.status_code, location, body


def run_order(client: Client, products: list[int], index: int, timed: Callable) -> None:
    confirm = f"/ledger/shop/{products[index % len(products)]}/order/"
    _s, _l, page = timed("order 1 GET confirm", lambda: step(client, "GET", confirm))
    key = KEY.search(page)
    data = {"quantity": "1", **({"idempotency_key": key.group(1)} if key else {})}
    _s, order, _b = timed("order 2 POST order", lambda: step(client, "POST", confirm, data))
    if not order.startswith("/ledger/orders/"):
        raise SystemExit(f"the order was refused: {order}")
    timed("order 3 GET order", lambda: step(client, "GET", order))
    timed("order 4 POST cancel", lambda: step(client, "POST", f"{order}cancel/"))
    timed("order 5 GET orders", lambda: step(client, "GET", "/ledger/orders/"))


def run_booking(client: Client, facility: str, index: int, timed: Callable) -> None:
    _s, _l, page = timed("booking 1 GET facility", lambda: step(client, "GET", facility))
    days = DAY.findall(page)
    if days:
        day = f"{facility}?date={days[index % len(days)]}"
        _s, _l, page = timed("booking 1b GET day", lambda: step(client, "GET", day))
    slots, members = BOOK.findall(page), MEMBER.findall(page)
    if not slots:
        raise SystemExit("no slot to book")
    for _attempt in range(10):  # as locust: a random slot and member; one already booked is refused, try another
        form = {"resident": random.choice(members)} if members else {}
        _s, mine, _b = timed("booking 2 POST book", lambda: step(client, "POST", random.choice(slots), form))  # noqa: B023
        if mine.startswith(("/services/my/", "/payments/")):  # a paid service's slot: booked, to pay online
            break
    else:
        raise SystemExit(f"the bookings were refused: {mine}")
    _s, _l, page = timed("booking 3 GET my", lambda: step(client, "GET", "/services/my/"))
    bookings = CANCEL_BOOKING.findall(page)
    if not bookings:  # as locust: nothing to cancel on the page (the list shows the 50 latest times)
        return
    newest = max(bookings, key=lambda found: int(found[1]))[0]
    timed("booking 4 POST cancel", lambda: step(client, "POST", newest))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", nargs="*", default=None, help="paths of the mix (or journey:…) to measure")
    parser.add_argument("--profile", default="", help="a path of the mix to run under cProfile")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sql", action="store_true", help="print each page's queries once, with their ms")
    parser.add_argument("--sql-full", action="store_true", help="… whole")
    args = parser.parse_args()

    clients = {account: client_for(mobile) for account, mobile in bench_load.ACCOUNTS.items()}
    writes = None
    timer = QueryTimer()
    samples: dict[str, list[tuple[float, float, int, float]]] = {}
    printed: set[str] = set()

    def timed(name: str, request: Callable):  # type: ignore[no-untyped-def]
        timer.count, timer.seconds, timer.sql = 0, 0.0, []
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            result = request()
        wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        samples.setdefault(name, []).append((wall, timer.seconds * 1000, timer.count, cpu))
        if args.sql and name not in printed and len(samples[name]) == 2:
            printed.add(name)
            print(f"--- {name}: {timer.count} queries")
            for took, sql in timer.sql:
                print(f"  {took:6.1f} ms  {sql if args.sql_full else sql[:200]}")
        return result

    for account, path, _w in bench_load.MIX:
        if args.only is not None and path not in args.only:
            continue
        if args.profile and path != args.profile:
            continue
        client = clients[account]
        if path.startswith("journey:") and writes is None:
            writes = bench_load.writes(bench_load.ACCOUNTS["resident"])
        profiler = cProfile.Profile() if args.profile else None
        for index in range(args.runs + 3):
            if index == 3 and profiler:  # after the warm-up
                profiler.enable()
            if path == "journey:order":
                run_order(client, writes["products"], index, timed)  # type: ignore[index]
            elif path == "journey:booking":
                run_booking(client, writes["facility"], index, timed)  # type: ignore[index]
            else:
                timed(path, lambda: step(client, "GET", path))  # noqa: B023
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(f"{'page':<32} {'queries':>7} {'SQL ms':>7} {'total ms':>9} {'p90 ms':>7} {'CPU ms':>7}")
    for name, rows in samples.items():
        rows = rows[3:] if len(rows) > 3 else rows  # the warm-up requests
        total = sorted(r[0] for r in rows)
        print(
            f"{name:<32} {statistics.median(r[2] for r in rows):>7.0f} {statistics.median(r[1] for r in rows):>7.1f} "
            f"{statistics.median(total):>9.1f} {total[int(0.9 * (len(total) - 1))]:>7.1f} "
            f"{statistics.median(r[3] for r in rows):>7.1f}"
        )


if __name__ == "__main__":
    main()
