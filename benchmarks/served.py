"""Serving linli for the benchmarks as users get it: gunicorn (4 sync workers) with `config.settings.production`,
persistent database connections, static files collected, on a scratch database. Used by the load, Open311 and
cockpit benchmarks, so that each times what a browser or an Open311 client waits for (HTTP server, middleware,
the database connection) rather than Django's test client."""

import contextlib
import http.cookiejar
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KEYS = {  # fixed for the scratch databases: the demo's ID numbers are encrypted with them
    "SECRET_KEY": "load-benchmark-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "ombBqzWHyWeAdFUbRULIpY8vhJnAQkUyFJyZEXTtEWE=",
}


def env(url: str, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    return {**base, "DATABASE_URL": url, **KEYS, **extra}


def production_env(url: str) -> dict[str, str]:
    return env(
        url,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        SMS_DEMO="true",
        PAYMENT_DEMO="true",  # the demo's simulated gateway, with a secret of its own
        PAYMENT_SIMULATED_SECRET="load-benchmark-payment-secret-not-for-production-0123456789",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(url: str, workers: int = 4) -> Iterator[str]:
    """Collect the static files, start gunicorn on `url`'s database and yield its base URL; stop it after.
    Production runs with Redis (the shared cache, sessions and the task queue): when `redis-server` is installed a
    private one is started for the run (no persistence), otherwise the workers run without it."""
    with _redis() as redis_url, _gunicorn(url, workers, {"REDIS_URL": redis_url} if redis_url else {}) as base:
        yield base


@contextlib.contextmanager
def _redis() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        print("no redis-server: serving without Redis (sessions in the database, a cache per worker)", flush=True)
        yield ""
        return
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def _gunicorn(url: str, workers: int, extra: dict[str, str]) -> Iterator[str]:
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**production_env(url), **extra},
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
            "--timeout",  # a shared machine can take long to sign in (password hashing)
            "120",
        ],
        cwd=ROOT,
        env={**production_env(url), **extra},
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz/").read()
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: the workers did not finish in time
            server.kill()
            server.wait()


def sign_in(base: str, mobile: str, password: str) -> tuple[str, str]:
    """A session and its CSRF cookie (rotated at sign-in), as the browser holds them after logging in."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"mobile": mobile, "password": password, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/"})
    opener.open(request).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"could not sign in as {mobile}")
    return session, next(c.value for c in jar if c.name == "csrftoken")


def timed_get(url: str, runs: int, session: str = "") -> tuple[float, float, list[float], bytes]:
    """GET `url` once to warm up, then `runs` times one after another: (p50, p95, the samples in ms, the last body).
    Each sample is the whole request as a client sees it: connect, server, transfer."""
    headers = {"Accept-Language": "zh-hans", **({"Cookie": f"sessionid={session}"} if session else {})}
    body = urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
            body = response.read()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)], samples, body
