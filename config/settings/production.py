"""Production: PostgreSQL, a real secret and encryption key, Redis-backed task queue, secure cookies."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, env_bool

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
FIELD_ENCRYPTION_KEY = os.environ["FIELD_ENCRYPTION_KEY"]
# Refuse to start with the simulated payment gateway or its default secret (linli.payments.system_checks).
PAYMENT_CHECK_AT_STARTUP = env_bool("PAYMENT_CHECK_AT_STARTUP", True)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("Production needs PostgreSQL: set DATABASE_URL=postgres://…")
# Each worker keeps its connection between requests (a new one costs ~7 ms a request) and checks it is still alive
# before reusing it after an error or a restart of the database.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# TLS ends at nginx, which must send `X-Forwarded-Proto $scheme` (and overwrite any the client sent): Django then
# knows a request came over https, redirects plain http to https and tells browsers to use https only (HSTS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
    # Sessions read from the shared cache (written through to the database): one query less on every signed-in
    # page. Only with a cache all workers share, so that signing out in one worker ends the session in all.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Tasks go through Redis (RQ) in production: `linli rqworker default` runs the worker.
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:  # a cache per worker: one would keep a header or a screen another (or the task worker) has seen change
    HEADER_CACHE_SECONDS = 0
    COCKPIT_SCREEN_SECONDS = 0
