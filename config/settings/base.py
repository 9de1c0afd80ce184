"""Settings read from the environment. Defaults give a working local site on SQLite."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

# Key for fields encrypted at rest (national ID numbers). Fernet key, urlsafe base64 of 32 bytes.
# When unset (development) a key is derived from SECRET_KEY; production must set it.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "csp",
    "django_tasks_db",
    "linli.core",
    "linli.audit",
    "linli.places",
    "linli.accounts",
    "linli.people",
    "linli.notifications",
    "linli.consultation",
    "linli.mediation",
    "linli.care",
    "linli.waste",
    "linli.ledger",
    "linli.facilities",
    "linli.payments",
    "linli.canteen",
    "linli.courses",
    "linli.childcare",
    "linli.reports",
    "linli.partners",
    "linli.volunteering",
    "linli.fund",
    "linli.company",
    "linli.notices",
    "linli.surveys",
    "linli.demo",
    "linli.planning",
    "linli.cockpit",
    "linli.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "linli.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "linli.core.middleware.ElderModeMiddleware",
    "linli.core.handlers.DomainErrorMiddleware",
    "linli.people.access.VerifyFirstMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linli" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linli.core.context_processors.site",
                "linli.home.context_processors.staff_nav",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'linli.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "linli.accounts.backends.PasswordBackend",
    "linli.accounts.backends.OneTimeCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:start"
LOGOUT_REDIRECT_URL = "home:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it; production also makes it Secure
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "linli" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Request sizes. A request whose Content-Length is above LINLI_MAX_REQUEST_BYTES is refused with 413 before it is
# read; nginx in front should refuse the same (`client_max_body_size 20m;`). Each upload has its own smaller limit.
LINLI_MAX_REQUEST_BYTES = int(os.environ.get("LINLI_MAX_REQUEST_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a body without its files: form fields, a JSON payload
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploaded files go to a temporary file, not memory
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20


# One task framework for everything that runs later or on a schedule.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Payments in yuan: the online provider (a `linli.payments.providers.PaymentProvider` class; the service counter is
# always there). The simulated gateway signs its notifications with this secret (HMAC-SHA256); a notification
# older than PAYMENT_NOTIFY_MAX_AGE seconds is refused as a replay. See docs/payments.md.
PAYMENT_BACKEND = os.environ.get("PAYMENT_BACKEND", "linli.payments.providers.simulated.SimulatedGateway")
PAYMENT_SIMULATED_SECRET = os.environ.get("PAYMENT_SIMULATED_SECRET", "linli-simulated-gateway-development-secret")
PAYMENT_NOTIFY_MAX_AGE = 300
# Without DEBUG the simulated gateway is refused (system check payments.E001) unless this is a demo site, where no
# real money is taken; its secret must then not be the default above (payments.E002).
PAYMENT_DEMO = env_bool("PAYMENT_DEMO", False)

# Pluggable SMS sender, as Django does with e-mail.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "linli.notifications.sms.ConsoleSMSBackend")
# A demo site (never one residents use) may run without DEBUG on the console sender, which then prints login codes
# in full; anywhere else without DEBUG the console sender masks them and the system check notifications.E001 fails.
SMS_DEMO = env_bool("SMS_DEMO", False)
OTP_TTL_SECONDS = 300
OTP_MAX_ATTEMPTS = 5
OTP_MAX_PER_HOUR = 5

# Throttles (linli.core.throttle), scope -> (attempts, window in seconds, cooldown in seconds): once `attempts`
# are counted within the window, further ones are refused for the cooldown. Sign-in (password and SMS code) and
# SMS code requests count per mobile number and per client address; check-in codes per volunteer and activity.
THROTTLES = {
    "login.mobile": (int(os.environ.get("THROTTLE_LOGIN_PER_MOBILE", "5")), 900, 900),
    "login.address": (int(os.environ.get("THROTTLE_LOGIN_PER_ADDRESS", "30")), 900, 900),
    "otp.mobile": (OTP_MAX_PER_HOUR, 3600, 3600),
    "otp.address": (int(os.environ.get("THROTTLE_OTP_PER_ADDRESS", "20")), 3600, 3600),
    "checkin": (5, 600, 600),
    # 实名核验 (name + ID number against the register): tries per account and per client address, a day each.
    "verify.account": (int(os.environ.get("THROTTLE_VERIFY_PER_ACCOUNT", "5")), 86400, 86400),
    "verify.address": (int(os.environ.get("THROTTLE_VERIFY_PER_ADDRESS", "20")), 86400, 86400),
    # family helpers (亲情账号): finding an elder by name + room + last 4 of the mobile, codes sent to the elder,
    # and guesses at those codes, each per helper (and codes per elder too, so no phone is flooded)
    "family.find": (10, 3600, 3600),
    "family.code": (5, 3600, 3600),
    "family.verify": (10, 900, 900),
}
# The site's public address, put in front of links sent by SMS (sign-up invitations), e.g. https://linli.example.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Staff may invite a resident to sign up at most once in this many hours.
INVITATION_RESEND_HOURS = int(os.environ.get("INVITATION_RESEND_HOURS", "24"))
# API tokens expire: after API_TOKEN_DAYS unless their owner asks for another lifetime, at most API_TOKEN_MAX_DAYS.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
# The client address is REMOTE_ADDR. Behind a reverse proxy (nginx) list the proxy's address(es) here, and have it
# send `X-Forwarded-For $proxy_add_x_forwarded_for`: only then is X-Forwarded-For read (its right-most address
# that is not a listed proxy). Never list addresses a client could connect from.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

# The OpenStreetMap extract the demo and the planners' tests read (shipped in data/; © OpenStreetMap contributors).
OSM_EXTRACT_DIR = Path(os.environ.get("OSM_EXTRACT_DIR", BASE_DIR / "data" / "osm" / "hangzhou-2015"))
# A city's own planning rules, walking network and cockpit indicator framework; empty = the ones shipped with
# linli (planning/standards/default_rules.toml, the OSM extract above, cockpit/indicators/default.toml).
PLANNING_RULES_FILE = os.environ.get("PLANNING_RULES_FILE", "")
PLANNING_NETWORK_FILE = os.environ.get("PLANNING_NETWORK_FILE", "")
COCKPIT_INDICATORS_FILE = os.environ.get("COCKPIT_INDICATORS_FILE", "")
# Optional map tile URL for sites that have a tile service (e.g. https://tiles.example/{z}/{x}/{y}.png), and the
# attribution its licence asks for; maps draw from the community's own geometry without it.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")


# Content-Security-Policy (django-csp). Every script, style, font and image is served from this site, so scripts
# may come from here only: no inline <script>, no on…= handlers, no eval. Inline style *attributes* are allowed
# (style-src-attr): ECharts' tooltips and Leaflet's panes are positioned with them and a few templates use them;
# they cannot run code, and <style> elements are still refused. Map tiles may come from MAP_TILE_URL's host.
def _origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_origin(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

SITE_NAME = _("Linli Future Community")
# Each account's header (its staff links, whether it is a resident) kept this long in the cache; any change to roles,
# streets, communities or residents renews them all. 0: read on each page (a cache each process keeps for itself).
HEADER_CACHE_SECONDS = 300
# The cockpit screens' figures kept this long at most; any snapshot, community or street stored renews them. 0: none.
COCKPIT_SCREEN_SECONDS = 600
