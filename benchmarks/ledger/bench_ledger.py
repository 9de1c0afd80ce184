"""Every write path of the ledger through the service functions that pages and the API call, against pgbench's
TPC-B on the same PostgreSQL server, in both of pgbench's protocols.

    python benchmarks/ledger/bench_ledger.py [--clients 4] [--seconds 10] [--rounds 3]

Creates two scratch databases on the local server (BENCH_PG, default postgres://postgres@127.0.0.1:5432):
`linli_bench_pgbench` for `pgbench -i -s <clients>` + `pgbench -c <clients> -j <clients> -T <seconds> -b tpcb-like`,
run with `-M simple` and with `-M prepared` (the ledger's own statements are prepared: PL/pgSQL keeps their plans),
and `linli_bench_ledger`, migrated, where <clients> processes run each workload for the same time:
- transfer: `points_transfer` between random resident accounts (idempotency check, row locks in key order, two
  entries, two balance updates, the floor checked, an audit row);
- earn: `points_earn` by the volunteering rule (10 points an hour, daily cap 80, yearly cap 2000), as a confirmed
  service record earns: the rule read, both accounts locked, the day's, month's and year's earnings summed for the
  caps, the award posted (on PostgreSQL all in one statement, the function `ledger_earn`);
- market: a resident's whole purchase: `order_place` (product locked, stock taken, points held in escrow, the order
  and its code), `order_redeem` by the merchant's staff (merchant locked, escrow to the merchant), then
  `order_refund` by the staff (the points back from the merchant; the goods were handed over, so the stock
  stays taken): three ledger transactions, each counted.
Prints each rate and its ratio to both pgbench figures, and writes them to README.md here.
"""

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
LEDGER_DB = "linli_bench_ledger"
PGBENCH_DB = "linli_bench_pgbench"
ACCOUNTS = 2000
MERCHANTS = 40  # one product each: a purchase locks its product and a redemption its merchant, as in a real shop
WORKLOADS = ("transfer", "earn", "market")
TARGET = 1 / 3


def pg_env() -> dict[str, str]:
    url = urlparse(SERVER)
    env = dict(
        os.environ, PGHOST=url.hostname or "127.0.0.1", PGPORT=str(url.port or 5432), PGUSER=url.username or "postgres"
    )
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def recreate(name: str) -> None:
    env = pg_env()
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=True)
    subprocess.run(["createdb", name], env=env, check=True)


def run_pgbench(clients: int, seconds: int, mode: str) -> float:
    recreate(PGBENCH_DB)
    env = pg_env()
    subprocess.run(["pgbench", "-i", "-q", "-s", str(clients), PGBENCH_DB], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [
            "pgbench",
            "-M",
            mode,
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(seconds),
            "-b",
            "tpcb-like",
            PGBENCH_DB,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)", out)
    if match is None:
        raise SystemExit(f"could not read pgbench's tps:\n{out}")
    return float(match.group(1))


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{LEDGER_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def prepare() -> dict[str, object]:
    """Residents with accounts (and sign-ins), their points, and MERCHANTS approved merchants with a product each and
    one member of staff who works at all of them."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction

    from linli.accounts.models import Role, RoleAssignment, User
    from linli.ledger import services
    from linli.ledger.models import Account, Merchant, Product
    from linli.people.models import Resident
    from linli.places.models import Community, Street

    street = Street.objects.create(code="bench", name="bench")
    community = Community.objects.create(street=street, code="bench", name="bench", centre_lat=30.2, centre_lng=120.1)
    users = User.objects.bulk_create([User(mobile=f"139{i:08d}", password="!") for i in range(ACCOUNTS)])
    residents = Resident.objects.bulk_create(
        [
            Resident(community=community, name=f"r{i}", birth_date=dt.date(1970, 1, 1), user=u)
            for i, u in enumerate(users)
        ]
    )
    source = services.funding_account(community, "community_fund", "points")
    ids = []
    with transaction.atomic():  # one commit for the seeding, not one per resident
        for r in residents:
            account = services.resident_account(r)
            services.points_transfer(
                community=community,
                from_account=source,
                to_account=account,
                points=1_000_000,
                idempotency_key=f"seed-{r.pk}",
                memo="bench seed",
                kind="grant",
            )
            ids.append(account.pk)
    assert Account.objects.filter(pk__in=ids, balance=1_000_000).count() == ACCOUNTS
    staff = User.objects.create(mobile="13800000000", password="!")
    RoleAssignment.objects.create(user=staff, role=Role.MERCHANT_STAFF, community=community)
    products = []
    for i in range(MERCHANTS):
        merchant = Merchant.objects.create(
            community=community, name=f"m{i}", status=Merchant.Status.APPROVED, applied_at="2026-01-01T00:00:00+08:00"
        )
        merchant.staff.add(staff)
        products.append(
            Product.objects.create(
                merchant=merchant, community=community, name=f"p{i}", price_points=10, stock=1_000_000
            ).pk
        )
    services.earning_rules_seed(community)
    from linli.core.database import refresh_statistics

    refresh_statistics()
    return {
        "community": community.pk,
        "accounts": ids,
        "residents": [r.pk for r in residents],
        "products": products,
        "staff": staff.pk,
    }


def worker(args: tuple[str, int, dict[str, object], float, int]) -> int:
    """Run one workload until the deadline; returns how many ledger transactions it made."""
    workload, index, data, deadline, seed = args
    import random

    from django.db import connection

    from linli.accounts.models import User
    from linli.ledger import services
    from linli.ledger.codes import RuleCode
    from linli.ledger.models import Account, Product
    from linli.people.models import Resident
    from linli.places.models import Community

    connection.close()  # never share the parent's connection
    rnd = random.Random(seed)
    community = Community.objects.get(pk=data["community"])
    done = 0
    if workload == "transfer":
        ids: list[int] = data["accounts"]  # type: ignore[assignment]
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=ids)}
        while time.monotonic() < deadline:
            a, b = rnd.sample(ids, 2)
            services.points_transfer(
                community=community,
                from_account=accounts[a],
                to_account=accounts[b],
                points=rnd.randint(1, 5),
                idempotency_key=f"bench-{index}-{done}",
                memo="bench",
            )
            done += 1
    elif workload == "earn":
        residents = list(Resident.objects.filter(pk__in=data["residents"]))  # type: ignore[misc]
        while time.monotonic() < deadline:
            services.points_earn(
                community=community,
                resident=rnd.choice(residents),
                rule_code=RuleCode.VOLUNTEER_HOUR,
                quantity=1,
                idempotency_key=f"earn-{index}-{done}",
                memo="bench",
            )
            done += 1
    else:
        residents = list(Resident.objects.filter(pk__in=data["residents"]).select_related("user", "community"))  # type: ignore[misc]
        products = list(Product.objects.filter(pk__in=data["products"]).select_related("merchant__community"))  # type: ignore[misc]
        staff = User.objects.get(pk=data["staff"])
        n = 0
        while time.monotonic() < deadline:
            resident, product = rnd.choice(residents), rnd.choice(products)
            order = services.order_place(
                actor=resident.user, resident=resident, product=product, idempotency_key=f"order-{index}-{n}"
            )
            services.order_redeem(actor=staff, merchant=product.merchant, code=order.code)
            services.order_refund(actor=staff, order=order, reason="bench")
            n += 1
            done += 3
    connection.close()
    return done


def run_ledger(workload: str, data: dict[str, object], clients: int, seconds: int) -> float:
    from django.db import connection

    connection.close()
    ctx = mp.get_context("fork")
    with ctx.Pool(clients) as pool:
        start = time.monotonic()
        deadline = start + seconds
        counts = pool.map(worker, [(workload, i, data, deadline, i) for i in range(clients)])
        elapsed = time.monotonic() - start
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", "4")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--no-readme", action="store_true", help="print only; do not rewrite README.md")
    opts = parser.parse_args()
    django_setup()
    from django.db import connection

    from linli.ledger.checks import ledger_check

    rounds: list[dict[str, float]] = []
    ok = True
    for n in range(1, opts.rounds + 1):
        # pgbench and the ledger take turns, so both see the same machine
        row = {
            "simple": run_pgbench(opts.clients, opts.seconds, "simple"),
            "prepared": run_pgbench(opts.clients, opts.seconds, "prepared"),
        }
        connection.close()  # the scratch database is dropped and made again for each round
        recreate(LEDGER_DB)
        data = prepare()
        for workload in WORKLOADS:
            row[workload] = run_ledger(workload, data, opts.clients, opts.seconds)
        ok = ledger_check().ok and ok
        rounds.append(row)
        print(
            f"round {n}: pgbench {row['simple']:,.0f} tps simple, {row['prepared']:,.0f} prepared; "
            + ", ".join(f"{w} {row[w]:,.0f}/s ({row[w] / row['prepared']:.2f})" for w in WORKLOADS),
            flush=True,
        )
    medians = {w: median([r[w] / r["prepared"] for r in rounds]) for w in WORKLOADS}
    medians_simple = {w: median([r[w] / r["simple"] for r in rounds]) for w in WORKLOADS}
    for w in WORKLOADS:
        verdict = "meets" if medians[w] >= TARGET else "MISSES"
        print(f"{w}: median {medians[w]:.2f} of pgbench prepared, {medians_simple[w]:.2f} of simple ({verdict} ⅓)")
    print(f"ledger_check {'OK' if ok else 'FAILED'}")
    if not ok:
        raise SystemExit("ledger_check failed after the benchmark")
    if not opts.no_readme:
        write_readme(opts, rounds, medians, medians_simple)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def write_readme(opts: argparse.Namespace, rounds: list[dict[str, float]], medians, medians_simple) -> None:  # type: ignore[no-untyped-def]
    server = subprocess.run(
        ["psql", "-tAc", "show server_version", "postgres"], env=pg_env(), capture_output=True, text=True
    ).stdout.strip()
    stamp = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    rows = "\n".join(
        f"| {n} | {r['simple']:,.0f} | {r['prepared']:,.0f} | "
        + " | ".join(f"{r[w]:,.0f} ({r[w] / r['prepared']:.2f})" for w in WORKLOADS)
        + " |"
        for n, r in enumerate(rounds, 1)
    )
    summary = "\n".join(
        f"| {w} | {medians[w]:.2f} | {medians_simple[w]:.2f} | {'meets' if medians[w] >= TARGET else 'MISSES'} |"
        for w in WORKLOADS
    )
    doc = (__doc__ or "")[(__doc__ or "").index("Creates two") :].strip()
    (Path(__file__).parent / "README.md").write_text(
        f"""# Ledger benchmark

Every write path of the ledger, through the service functions that the pages and the API call, against pgbench's
TPC-B on the same PostgreSQL server. `make bench` runs it (or `python benchmarks/ledger/bench_ledger.py --clients N
--seconds S --rounds R`); pgbench and the ledger take turns R times so that both see the same machine, and each
ratio reported is the median of the R rounds. Target: each write path at ≥ ⅓ of pgbench TPC-B in prepared mode.

{doc}

Last run ({stamp}, PostgreSQL {server}, {os.cpu_count()} CPUs, Python {platform.python_version()}),
{opts.clients} clients, {opts.seconds} s each, load average {os.getloadavg()[0]:.1f} when it ended (the machine is
shared: the figures are brief samples, and pgbench suffers from the other load as much as the ledger does):

| round | pgbench simple tps | pgbench prepared tps | transfer /s (of prepared) | earn /s | market txns /s |
|---:|---:|---:|---:|---:|---:|
{rows}

| write path | median of pgbench prepared | median of pgbench simple | target ⅓ of prepared |
|---|---:|---:|---|
{summary}

ledger_check after every round: OK. A market cycle is three ledger transactions (purchase, redemption, refund); its
rate counts each.

## Where the time goes

On PostgreSQL a posting is one call of the posting function `ledger_post` (migration
`ledger/0005_posting_function`, called from `_post_pg` in `linli/ledger/services/posting.py`): it inserts the
transaction, updates the accounts in primary-key order unless one would fall below its floor (then it raises and
nothing is written), and inserts the entries (with the balance after each leg) and the audit row. PL/pgSQL keeps the
plans of its statements for the life of the connection. A transfer made outside any transaction is that one
statement's own transaction: one round trip, no BEGIN and COMMIT; that is why it is the fastest path and why it alone
is not what users get.

Earning is one statement too (migration `ledger/0009_earning_function`, `_earn_pg` in
`linli/ledger/services/earning.py`): the function `ledger_earn` reads the rule, finds both accounts, locks them in
key order, sums the day's, month's and year's earnings for the caps and posts through `ledger_post`. Every earning
by a rule pays from the same funding account, so its row lock is what earnings queue on: it used to be held from the
first of five round trips to the COMMIT (and on a loaded machine the process holding it is often not running); now
for one statement. The first earning of a resident (or of a community) still takes the general path, which opens
the accounts and stores the rules. Inside a caller's transaction (volunteering confirms a service record and earns
in one) the lock lasts until that transaction commits.
Each step of a purchase is one statement too (migration `ledger/0010_marketplace_functions`, `_place_pg`,
`_redeem_pg` and `_refund_pg` in `linli/ledger/services/marketplace.py`). `ledger_order_place` locks the product
and decides on it as it is now (on sale by an approved merchant, in stock), takes the stock, finds the accounts,
posts through `ledger_post` and writes the order with a fresh code and its audit row: 1 statement. A redemption is
`ledger_order_redeem`: the staff member checked, the merchant locked and then the order, the resident's
notification written (in the resident's language), the escrow paid to the merchant (audited) and the order marked:
1 statement. A refund sees from the order as the caller read it, and the actor's roles (read once per request),
whose right it is (the resident's own order before redemption, a caseworker's, or the merchant's staff) and
leaves the rest to `ledger_order_refund`: the order locked, the right decided again when its state changed since
(the staff refunding the order as it was placed, as here), the staff member checked, the stock given back unless
the goods were handed over, the resident told, the posting with its audit row and the order marked: 1 statement. A
cycle is 3 statements; it was 25 (and 36 before). Whatever a function cannot decide alone
it leaves to the general path of the services without writing anything: a refusal to word (not on sale, out of
stock, an unknown or redeemed code, a settled order), an account not opened yet, a posting short of its floor
(the statement is then undone as a whole), a refund of yuan paid through a provider (its hook runs in the refund's
transaction). `linli/ledger/tests/test_market_statements.py` and `test_market_functions.py` pin the count of each
step, in a caller's transaction and outside one. Each step holds the community's escrow account's row lock only
for its one statement, as a transfer holds its accounts'.
"""
    )


if __name__ == "__main__":
    main()
