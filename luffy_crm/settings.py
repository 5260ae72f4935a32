"""Settings for luffy CRM, read from the environment (see .env.example).

Defaults are safe for production: DEBUG is off unless set, and a missing
SECRET_KEY with DEBUG off stops start-up with a clear message.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment or in .env "
            "(see .env.example), or set DEBUG=1 for local development."
        )
    # Only reachable with DEBUG on: a fixed key is fine for a developer's laptop.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "web",
    "rbac",
    "stark",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap4",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rbac.middleware.RbacMiddleware",
]

ROOT_URLCONF = "luffy_crm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "luffy_crm.wsgi.application"

# --- Database -----------------------------------------------------------------
# Default: an SQLite file, no server needed. DATABASE_URL=mysql://user:pass@host:3306/name
# selects MySQL/MariaDB through mysqlclient.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # BEGIN IMMEDIATE takes the write lock at the start of a transaction, so a
        # read-then-write transaction waits for other writers (busy timeout) instead
        # of failing with "database is locked" when it tries to upgrade its lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Threads in tests need a real file: the default in-memory test database is
    # shared-cache and does not behave like the file the app uses.
    _db["TEST"] = {"NAME": str(BASE_DIR / f"test_{Path(_db['NAME']).stem}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.mysql":
    _db.setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            "isolation_level": "read committed",
        }
    )
    _db["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
_db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
_db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "web.UserInfo"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Cache ----------------------------------------------------------------------
# Local memory by default; set CACHE_URL (e.g. redis://127.0.0.1:6379/1) to share
# one cache between app processes. Nothing correctness-critical lives only here.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# django-bootstrap4 uses our own copies of Bootstrap 4.6.2 and jQuery 3.7.1: no CDN.
BOOTSTRAP4 = {
    "css_url": {"url": "/" + STATIC_URL + "vendor/bootstrap/bootstrap.min.css"},
    # The bundle includes Popper.
    "javascript_url": {"url": "/" + STATIC_URL + "vendor/bootstrap/bootstrap.bundle.min.js"},
    "jquery_url": {"url": "/" + STATIC_URL + "vendor/jquery/jquery.min.js"},
    "jquery_slim_url": {"url": "/" + STATIC_URL + "vendor/jquery/jquery.min.js"},
    "include_jquery": "full",
}
# issue 13: after a failed submit only the fields in error are marked; an untouched optional
# field painted green with a check mark read as "this one is confirmed".
BOOTSTRAP4["success_css_class"] = ""

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# issue 13: a load balancer's health probe speaks plain HTTP to the app's port.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- rbac ----------------------------------------------------------------------------
# URL names anyone may open (no login needed).
RBAC_WHITELIST = ["login", "logout", "health"]
# URL names any logged-in user may open, whatever their roles.
RBAC_LOGIN_ONLY = ["home", "password_change", "password_change_done"]
# URL paths (prefixes) never checked: static files.
RBAC_WHITELIST_PATHS = ["/" + STATIC_URL]
# When True, superusers pass every permission check. Off: roles decide for everyone.
RBAC_SUPERUSER_BYPASS = env.bool("RBAC_SUPERUSER_BYPASS", default=False)

# --- stark -------------------------------------------------------------------------------
# Dotted path to a function (request, url_name) -> bool deciding which buttons,
# columns and actions a user sees and may use. rbac provides one.
STARK_PERMISSION_CHECK = "rbac.permissions.stark_has_permission"

# --- CRM business rules ------------------------------------------------------------------
# Most unsigned customers one consultant may hold in their private pool.
CUSTOMER_PRIVATE_POOL_CAP = env.int("CUSTOMER_PRIVATE_POOL_CAP", default=150)
