"""Settings for luffy CRM, read from the environment (see .env.example).

Defaults are safe for production: DEBUG is off unless set, and a missing
SECRET_KEY with DEBUG off stops start-up with a clear message.
"""

from datetime import timedelta
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
    # issue 18: a service that lost every retry to concurrent changes → a clear 503 page.
    "web.middleware.ServiceBusyMiddleware",
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

# --- Read replicas (issue 18) -----------------------------------------------------------
# DATABASE_REPLICA_URLS=mysql://...,mysql://... : reads go to a replica, writes and every
# transaction (so every service and lock) to the primary, and a request that wrote keeps
# reading the primary, as does its browser for REPLICA_PIN_SECONDS (luffy_crm/routers.py).
DATABASE_REPLICAS = []
for _index, _url in enumerate(filter(None, env.list("DATABASE_REPLICA_URLS", default=[])), start=1):
    _replica = {**env.db_url_config(_url), "OPTIONS": dict(_db.get("OPTIONS", {}))}
    _replica.update(CONN_MAX_AGE=_db["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"})
    DATABASES[f"replica{_index}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_index}")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["luffy_crm.routers.ReplicaRouter"]
    MIDDLEWARE.insert(0, "luffy_crm.routers.PinPrimaryAfterWriteMiddleware")  # outermost: scopes the pin
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "web.UserInfo"

# Password hashers and validators: see "Security (issue 16)" below.

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Cache ----------------------------------------------------------------------
# Local memory by default; set CACHE_URL (e.g. redis://127.0.0.1:6379/1) to share
# one cache between app processes. Nothing correctness-critical lives only here.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered pieces of the layout (templates/base.html: the top bar, the user links), in each
    # process's own memory: keyed by all they show, so never stale, and cheaper than a trip to
    # a shared cache.
    "layout": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "luffy-layout",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Sessions in the database, read by one plain query (luffy_crm/sessions.py: ~0.15 ms a request less).
SESSION_ENGINE = "luffy_crm.sessions"

# --- Several app servers (issue 18) -----------------------------------------------
# With a shared Redis cache (CACHE_URL=redis://...; Django's own RedisCache, hiredis parser
# when installed) sessions are "cached_db": read from Redis, written through to the database,
# so a login made on one app server is valid on every other and survives a Redis restart.
# rbac's permission snapshots are then cached there too, keyed by the user's version stamp
# (kept in the database), so a role change made on one server applies on the next request
# served by any other. Without CACHE_URL nothing changes: sessions in the database, no server.
SHARED_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
if SHARED_CACHE:
    CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="luffy"))
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    RBAC_SNAPSHOT_CACHE = "default"
# Attempts of a service aborted by a deadlock / Galera certification conflict (web.services.locks).
DB_CONFLICT_ATTEMPTS = env.int("DB_CONFLICT_ATTEMPTS", default=10)

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
# How many reverse proxies stand in front of the app (0 = none). Only then are X-Forwarded-For
# (the client's address) and X-Forwarded-Proto believed: any client can send those headers.
# BEHIND_HTTPS_PROXY=1 is the older spelling of one trusted proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=int(env.bool("BEHIND_HTTPS_PROXY", default=False)))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
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
RBAC_LOGIN_ONLY += ["notifications", "notifications_unread"]  # issue 12: each user's own notifications
# URL paths (prefixes) never checked: static files.
RBAC_WHITELIST_PATHS = ["/" + STATIC_URL]
# When True, superusers pass every permission check. Off: roles decide for everyone.
RBAC_SUPERUSER_BYPASS = env.bool("RBAC_SUPERUSER_BYPASS", default=False)

# --- stark -------------------------------------------------------------------------------
# Dotted path to a function (request, url_name) -> bool deciding which buttons,
# columns and actions a user sees and may use. rbac provides one.
STARK_PERMISSION_CHECK = "rbac.permissions.stark_has_permission"
# Dotted path to a function (request, url_name) -> "all" | "department" | "own": the rows a
# user sees on a page (data scopes per role, edited on rbac's role page).
STARK_SCOPE_CHECK = "rbac.permissions.stark_scope"

# --- CRM business rules ------------------------------------------------------------------
# Most unsigned customers one consultant may hold in their private pool.
CUSTOMER_PRIVATE_POOL_CAP = env.int("CUSTOMER_PRIVATE_POOL_CAP", default=150)

# --- Security (issue 16) ---------------------------------------------------------------
# Login lockout (django-axes, database handler: the counts are shared by every app process).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Failed logins within the cool-off time that lock a user name, and separately a client address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "web.security.client_ip"
AXES_USERNAME_CALLABLE = "web.security.lockout_username"
AXES_LOCKOUT_CALLABLE = "web.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A success must not wipe the failures counted against this address (an attacker holding one
# account could otherwise reset the per-address count between guesses at others).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False

# Passwords: Argon2 first; a hash made by another hasher is upgraded at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The similarity check misses a user name repeated ("lecturer2lecturer2" for lecturer2).
    {"NAME": "web.password_validation.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Headers. Content-Security-Policy (django-csp): only our own static files; no inline script
# or style anywhere (templates keep their JS and CSS in static files), nothing framed.
INSTALLED_APPS += ["csp"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "web.middleware.SecurityHeadersMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap's CSS draws a few icons (select arrows, validation marks) as data: SVGs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of the CRM uses, refused for every page (web.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# The role `manage.py rbac_grant_admin USERNAME` gives back (the demo administrator role).
RBAC_RECOVERY_ROLE = "管理员"

# Sessions: besides the absolute SESSION_COOKIE_AGE, a session idle this many seconds ends
# (web.middleware.SessionTimeoutMiddleware). Each user sees and ends their sessions on the password page.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 60 * 60)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "web.middleware.SessionTimeoutMiddleware",
)
RBAC_LOGIN_ONLY += ["session_end"]

# Audit trail (django-auditlog): field changes of customers, payments, students, users, roles and
# permissions, plus logins, failures, lockouts and decisions (web.audit). Read-only page for the admin.
INSTALLED_APPS += ["auditlog"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "web.middleware.AuditMiddleware"
)

# --- Issue 12: the working day (automatic return, claim rules) -------------------------------
# return_idle_customers: an unsigned private customer with no follow-up for this many days
# (counted from recv_date when there is none since) goes back to the public pool; 0 disables.
CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = env.int("CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS", default=15)
# ... and one still unsigned this many days after recv_date; 0 disables.
CUSTOMER_RETURN_NOT_SIGNED_DAYS = env.int("CUSTOMER_RETURN_NOT_SIGNED_DAYS", default=30)
# A consultant cannot claim back, within this many days, a customer released or returned from them.
CUSTOMER_RECLAIM_COOLDOWN_DAYS = env.int("CUSTOMER_RECLAIM_COOLDOWN_DAYS", default=7)
# Most customers one consultant may claim per day (local time zone); 0: no limit.
CUSTOMER_DAILY_CLAIM_LIMIT = env.int("CUSTOMER_DAILY_CLAIM_LIMIT", default=0)
