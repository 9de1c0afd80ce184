"""HTTP load on the pages residents and staff really use, served as in production, against a trivial view.

    .venv/bin/python benchmarks/load/bench_load.py [--users 10 50 100] [--seconds 30] [--page-seconds 15]

What it does, each time from scratch except the demo data (kept in BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/linli_load_bench, built once with `linli demo` and ANALYZEd):
gunicorn (4 sync workers) with `config.settings.production` and persistent connections serves the demo; locust
(FastHttpUser, no think time, one process on the same machine) signs nobody in during the run: each account's
session is made before it. Every figure is measured in the same run as the trivial view `/healthz/` (no database,
no session, no template): a page's throughput is reported as a ratio of it at the same number of users.
Runs: the trivial view and the mix at each user count; each page alone at 10 users. Writes README.md here.
"""

import argparse
import csv
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/linli_load_bench")
KEYS = {  # fixed for the scratch database: the demo's ID numbers are encrypted with them
    "SECRET_KEY": "load-benchmark-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "ombBqzWHyWeAdFUbRULIpY8vhJnAQkUyFJyZEXTtEWE=",
}
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
]
TRIVIAL = [("", "/healthz/", 1)]
GOALS = "mix ≥ 0.3 of the trivial view, no page below 0.15, p95 < 500 ms at 50 users"


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    return {**base, "DATABASE_URL": URL, **KEYS, **extra}


def production_env() -> dict[str, str]:
    return env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        SMS_DEMO="true",
    )


def manage(*args: str, environ: dict[str, str] | None = None) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=environ or env(), check=True)


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
    manage("collectstatic", "--noinput", "-v0", environ=production_env())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign_in(base: str, mobile: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"mobile": mobile, "password": "linli2026", "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/"})
    opener.open(request).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"could not sign in as {mobile}")
    return session


def run_locust(base: str, pages: list[tuple[str, str, int]], users: int, seconds: int, sessions: dict[str, str]):
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
            env={**os.environ, "LOAD_SESSIONS": json.dumps(sessions), "LOAD_PAGES": json.dumps(pages)},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
    return rows


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
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=production_env(),
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz/").read()
                break
            except OSError:
                time.sleep(0.5)
        sessions = {account: sign_in(base, mobile) for account, mobile in ACCOUNTS.items()}
        for account, path, _w in MIX:  # warm every worker's caches and connections, and check each page answers
            for _ in range(8):
                request = urllib.request.Request(
                    base + path, headers={"Cookie": f"sessionid={sessions[account]}", "Accept-Language": "zh-hans"}
                )
                urllib.request.urlopen(request).read()
        results: dict[int, dict[str, dict[str, float]]] = {}
        for users in args.users:
            trivial = figures(run_locust(base, TRIVIAL, users, args.seconds, sessions)["Aggregated"])
            mix = run_locust(base, MIX, users, args.seconds, sessions)
            results[users] = {"trivial": trivial, **{name: figures(row) for name, row in mix.items()}}
            print(
                f"{users:>4} users: trivial {trivial['rps']:.0f}/s, mix {results[users]['Aggregated']['rps']:.1f}/s "
                f"({results[users]['Aggregated']['rps'] / trivial['rps']:.2f}), "
                f"p95 {results[users]['Aggregated']['p95']:.0f} ms",
                flush=True,
            )
        alone: dict[str, dict[str, float]] = {}
        trivial10 = figures(run_locust(base, TRIVIAL, 10, args.page_seconds, sessions)["Aggregated"])
        for account, path, _w in MIX:
            alone[path] = figures(run_locust(base, [(account, path, 1)], 10, args.page_seconds, sessions)["Aggregated"])
            print(f"  {path}: {alone[path]['rps']:.1f}/s ({alone[path]['rps'] / trivial10['rps']:.2f})", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = render(args, results, alone, trivial10)
    print(report)
    if not args.no_readme:
        (HERE / "README.md").write_text(report, encoding="utf-8")


def render(args, results, alone, trivial10) -> str:  # type: ignore[no-untyped-def]
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
    met = [
        ("mix ≥ 0.3", all(r["Aggregated"]["rps"] / r["trivial"]["rps"] >= 0.3 for r in results.values())),
        ("no page below 0.15", all(f["rps"] / trivial10["rps"] >= 0.15 for f in alone.values())),
        ("p95 < 500 ms at 50 users", 50 in results and results[50]["Aggregated"]["p95"] < 500),
    ]
    lines += ["", "Goals met: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in met), ""]
    return "\n".join(re.sub(r"[ \t]+$", "", line) for line in lines)


if __name__ == "__main__":
    main()
