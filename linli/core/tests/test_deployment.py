"""Deployment safety: `check --deploy` is clean under the production settings, every response carries a strict
Content-Security-Policy the templates can live with, oversized requests are refused unread, cookies are Secure."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from linli.notifications.sms import BaseSMSBackend

ROOT = Path(settings.BASE_DIR)


class GatewaySMSBackend(BaseSMSBackend):
    """Stands for a real SMS gateway in the production check below."""

    def send(self, message):  # type: ignore[no-untyped-def]
        pass


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY="ombBqzWHyWeAdFUbRULIpY8vhJnAQkUyFJyZEXTtEWE=",
        DATABASE_URL="postgres://linli@127.0.0.1:5432/linli",
        ALLOWED_HOSTS="linli.example.org",
        CSRF_TRUSTED_ORIGINS="https://linli.example.org",
        SMS_BACKEND=f"{__name__}.GatewaySMSBackend",
        PAYMENT_DEMO="true",  # the simulated gateway, with a secret of its own (payments.E001/E002 otherwise)
        PAYMENT_SIMULATED_SECRET=secrets.token_urlsafe(48),
        **extra,
    )
    return env


def in_production(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """`args` run by this Python under the production settings, `env` added to them."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=production_env(**env), capture_output=True, text=True, timeout=120
    )


def printed_in_production(code: str, **env: str) -> tuple[str, str]:
    """What `code` prints once Django is set up under the production settings, and what it wrote to stderr."""
    run = in_production(["-c", f"import django; django.setup(); {code}"], **env)
    return run.stdout.strip(), run.stderr


def test_check_deploy_is_clean_under_the_production_settings():
    run = in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    assert "WARNING" not in run.stdout + run.stderr


def test_production_turns_on_https_only_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER)"
    )
    printed, errors = printed_in_production(code)
    assert printed == "True True True True True True ('HTTP_X_FORWARDED_PROTO', 'https')", errors


@pytest.mark.parametrize(("env", "expected"), [({}, "600 True"), ({"CONN_MAX_AGE": "0"}, "0 True")])
def test_production_keeps_database_connections_between_requests(env, expected):
    code = "from django.conf import settings as s; d = s.DATABASES['default'];"
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    printed, errors = printed_in_production(code, **env)
    assert printed == expected, errors


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.contrib.sessions.backends.db"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_production_reads_sessions_from_the_cache_only_when_all_workers_share_it(env, expected):
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    printed, errors = printed_in_production(code, **env)
    assert printed == expected, errors


@pytest.mark.parametrize(("env", "expected"), [({}, "0 0"), ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "300 600")])
def test_production_keeps_headers_and_cockpit_screens_only_in_a_cache_all_processes_share(env, expected):
    code = "from django.conf import settings as s; print(s.HEADER_CACHE_SECONDS, s.COCKPIT_SCREEN_SECONDS)"
    printed, errors = printed_in_production(code, **env)
    assert printed == expected, errors


def test_production_keeps_templates_compiled_between_requests():
    """Django's cached loader: each template is read and compiled once per worker, not on every page."""
    code = "from django.template import engines; print(*(type(x).__module__ for x in engines['django'].engine"
    code += ".template_loaders))"
    printed, errors = printed_in_production(code)
    assert printed == "django.template.loaders.cached", errors


@pytest.mark.django_db
def test_pages_and_the_api_carry_a_strict_content_security_policy():
    for path in ("/", "/accounts/login/", "/api/v1/docs"):
        policy = Client().get(path)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


TEMPLATE_DIRS = [ROOT / "linli" / "templates", *ROOT.glob("linli/*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
PDF_ONLY = {"cockpit/report.html", "fund/receipt_pdf.html", "volunteering/certificate.html"}


def test_no_template_has_an_inline_script_or_handler_the_policy_would_block():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
                found.append(str(path.relative_to(ROOT)))
            if "<style" in text and str(path.relative_to(directory)) not in PDF_ONLY:
                found.append(str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "api"), [("/reports/shibei/new/", False), ("/api/v1/auth/token", True), ("/accounts/login/", False)]
)
def test_a_request_larger_than_the_limit_is_refused_unread(community, path, api):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.generic(
        "POST",
        path,
        b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    message = "The request is too large: at most 20 MB may be sent at once."
    if api:
        assert response.json()["error"] == {"code": "too_large", "message": message, "fields": {}}
    else:
        assert message in response.content.decode()
    zh = Client().generic("POST", path, b"x", CONTENT_LENGTH=str(21 * 1024 * 1024), **{"wsgi.input": Unreadable()})
    assert "请求太大" in zh.content.decode()


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_a_request_within_the_limit_goes_through():
    assert Client().post("/accounts/login/", {"mobile": "13800000000", "password": "x" * 100}).status_code == 200


def test_the_upload_limits_are_set():
    assert settings.LINLI_MAX_REQUEST_BYTES == 20 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 20


@pytest.mark.django_db
@override_settings(LANGUAGE_COOKIE_SECURE=True, LANGUAGE_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=True)
def test_the_language_and_elder_mode_cookies_follow_the_secure_settings(make_user):
    user = make_user(password="s3cret-pass", language="en")
    client = Client()
    response = client.post("/accounts/login/", {"mobile": user.mobile, "password": "s3cret-pass"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    elder = client.post("/elder-mode/", {"on": "1"}).cookies["linli_elder"]
    assert elder["secure"] and elder["httponly"]


@pytest.mark.django_db
def test_the_liveness_check_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert Client().post("/healthz/").status_code == 405
