"""The one settings module. Everything that differs between machines comes from the environment.

Every variable read (yes/no values take 1/0, true/false, yes/no or on/off; lists are comma-separated):

DJANGO_DEBUG                 1 for local development (never in production; default off)
DJANGO_SECRET_KEY            required unless DJANGO_DEBUG is on
DJANGO_ALLOWED_HOSTS         host names the site answers to (default 127.0.0.1,localhost)
DJANGO_CSRF_TRUSTED_ORIGINS  origins allowed to post forms, e.g. https://pwp.example.nhs.uk (default none)
DJANGO_HTTPS                 1 behind HTTPS: secure cookies, HSTS, redirect to HTTPS (default: not DEBUG)
DJANGO_HSTS_PRELOAD          ask browsers to preload HSTS for the domain (default: the same as DJANGO_HTTPS)
DJANGO_BEHIND_PROXY          1 to trust the proxy's X-Forwarded-Proto header for HTTPS (default off)
DATABASE_URL                 postgres://user@host:5432/name (via dj_database_url); unset: var/db.sqlite3
DATABASE_CONN_MAX_AGE        seconds a database connection is kept open for reuse (default 60)
SESSION_IDLE_MINUTES         idle minutes before a signed-in session ends (default 30)
AXES_FAILURE_LIMIT           failed sign-ins before a username, from one address, is locked out (default 5)
AXES_COOLOFF_MINUTES         minutes a lock-out lasts (default 15)
SIGN_IN_SLOWDOWN_AFTER       failed sign-ins for a username, from any address, before each attempt is slowed
                             (default 10); never a lock-out
SIGN_IN_MAX_DELAY_SECONDS    the longest such wait (default 3)
SECOND_FACTOR_REQUIRED_FOR   roles that must set up two-step verification before anything else, from
                             administrators, programme_staff, visitors, supervisors, trainees (default
                             administrators,programme_staff,visitors; none when DJANGO_DEBUG is on)
MEDIA_ROOT                   where uploaded evidence is stored (default var/media)
STORAGE_S3_BUCKET            keep uploads, portfolios and packs in this S3-compatible bucket, not MEDIA_ROOT
STORAGE_S3_ENDPOINT_URL      the object store's address when it is not Amazon's (e.g. https://s3.example.org)
STORAGE_S3_REGION            its region (default: boto3's); credentials from AWS_ACCESS_KEY_ID and
                             AWS_SECRET_ACCESS_KEY
STORAGE_S3_PREFIX            a folder inside the bucket (default none)
CACHE_URL                    the one cache every process shares: redis://host:6379/0 for Redis, locmem:// for
                             one process only; unset: a database table made by `migrate`
EVIDENCE_MAX_UPLOAD_MB       largest evidence file accepted, in megabytes (default 200)
TASKS_BACKEND                the django.tasks backend (default: the database queue that `db_worker` runs)
PORTFOLIO_RENDER_TIMEOUT_SECONDS
                             a live portfolio PDF still rendering after this long lost its worker: the page
                             offers to try again (default 300)
PORTFOLIO_PRERENDER          0 to stop queueing a render of a trainee's portfolio when their records change
                             (default 1); PORTFOLIO_PRERENDER_MAX: not for changes touching more trainees (50)
REMEMBER_TRAINEE_FACTS       0 to work every trainee's facts (training days, supervision, caseload, readiness)
                             out on every page instead of remembering them by records version (default 1);
                             REMEMBER_AHEAD 0 to stop the worker working them out again when records
                             change (default 1); REMEMBER_AHEAD_MAX: not for changes touching more (50)
SITE_URL                     the address printed in PDFs for checking them (default http://127.0.0.1:8000)
EMAIL_BACKEND                smtp, console or a dotted path to a mail backend (default: console when
                             DJANGO_DEBUG is on, as under `make run`; smtp otherwise)
EMAIL_HOST                   the SMTP server (default localhost)
EMAIL_PORT                   its port (default 25)
EMAIL_HOST_USER              the SMTP user name (default none)
EMAIL_HOST_PASSWORD          the SMTP password (default none)
EMAIL_USE_TLS                1 to send with STARTTLS (default off)
EMAIL_TIMEOUT                seconds to wait for the SMTP server (default 30)
DEFAULT_FROM_EMAIL           the sender of outgoing email (default pwp-tracker@localhost)
INVITATION_VALID_DAYS        days a set-password link in an invitation stays valid (default 14)
LOG_LEVEL                    the root logger's level (default WARNING)
MAX_REQUEST_MB               largest request body accepted, refused from its Content-Length before it is
                             read (default EVIDENCE_MAX_UPLOAD_MB + 10); set the proxy's limit to match
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import cache_from_env, env_bool, env_int, env_list, env_str, mailer_from_env, storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
NODE_MODULES = BASE_DIR / "node_modules"

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "core",
    "accounts",
    "curriculum",
    "trainees",
    "assessments",
    "accreditation",
    "workforce",
    "notifications",
]

MIDDLEWARE = [
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "config.context_processors.navigation",
                "notifications.context_processors.notifications",
            ],
            "builtins": ["core.templatetags.addresses"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so a web process and a worker writing at
    # once wait for each other instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # recursive_triggers: INSERT OR REPLACE deletes the old row, and only with this does that delete
        # fire the protection triggers (accounts/db.py), so REPLACE cannot rewrite a signed record.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA recursive_triggers=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARE", True):
    # The server plans each statement once per connection and reuses the plan. The pages' queries join a
    # trainee to their person, cohort, programme, route and service, and PostgreSQL spent longer planning
    # them (up to 8 ms) than running them (1.5 ms) at national scale. Parameters are then bound on the
    # server, which preparing needs. Turn it off (DATABASE_PREPARE=0) behind a connection pooler in
    # transaction mode that does not keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes; every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling: five failures for one username from one address lock that pair for 15 minutes, even with
# the right password. Locking the username alone let a stranger lock anyone out, the administrator included,
# for ever; locking the address alone would lock out every colleague behind an NHS trust's shared address.
# So the pair: a stranger elsewhere cannot deny the real person, and guessing from one address stays slow.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures for one username from anywhere slow each further attempt (accounts/slowdown.py), never lock it.
SIGN_IN_SLOWDOWN_AFTER = env_int("SIGN_IN_SLOWDOWN_AFTER", 10)
SIGN_IN_MAX_DELAY_SECONDS = env_int("SIGN_IN_MAX_DELAY_SECONDS", 3)
OTP_TOTP_ISSUER = "PWP training tracker"
# Who must use two-step verification (accounts.second_factor): on by default in production for the people
# who see many trainees' records.
SECOND_FACTOR_REQUIRED_FOR = env_list(
    "SECOND_FACTOR_REQUIRED_FOR", [] if DEBUG else ["administrators", "programme_staff", "visitors"]
)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# The NHS.UK stylesheet refers to its icons at /assets/images/...; WhiteNoise serves them from there.
WHITENOISE_ROOT = NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served-directly/"
# Evidence uploads (recordings of sessions can be large); checked in assessments/evidence.py.
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 200)
# The largest request body at all, refused from its Content-Length before it is read (core.middleware).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_MB", EVIDENCE_MAX_UPLOAD_MB + 10) * 1024 * 1024
# A visit pack whose worker has not renewed its lease for this long lost the worker (killed, crashed,
# redeployed): the next request fails it and its task row and starts a new one. A worker renews the lease
# after every portfolio it packs, which takes milliseconds.
VISIT_PACK_LEASE_SECONDS = env_int("VISIT_PACK_LEASE_SECONDS", 120)
# A live portfolio PDF is rendered by a worker, never in the request (accreditation/portfolio/cache.py). One
# still marked as rendering after this long lost its worker: the page offers to try again.
PORTFOLIO_RENDER_TIMEOUT_SECONDS = env_int("PORTFOLIO_RENDER_TIMEOUT_SECONDS", 300)
# When records change, queue a render of the new version at once (at most one waiting per trainee), so the
# next person asking rarely waits. Changes touching more trainees than this (a programme's settings) are
# rendered when next asked for instead.
PORTFOLIO_PRERENDER = env_bool("PORTFOLIO_PRERENDER", True)
PORTFOLIO_PRERENDER_MAX = env_int("PORTFOLIO_PRERENDER_MAX", 50)
# Each trainee's facts (training days, supervision, caseload, readiness) are remembered in the database by
# records version and day: a cohort page seen again reads one row a trainee an area instead of their records
# (trainees/enrolment/facts.py).
REMEMBER_TRAINEE_FACTS = env_bool("REMEMBER_TRAINEE_FACTS", True)
# When records change, the worker works those trainees' facts out again for today (as the portfolio's render),
# unless the change touched more trainees than REMEMBER_AHEAD_MAX.
REMEMBER_AHEAD = env_bool("REMEMBER_AHEAD", True)
REMEMBER_AHEAD_MAX = env_int("REMEMBER_AHEAD_MAX", 50)

STORAGES = {
    "default": storage_from_env(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One cache for every process and machine (the database's unless CACHE_URL names Redis): nothing may assume
# one process.
CACHES = {"default": cache_from_env()}

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Printed in portfolio PDFs so that anyone holding one knows where to check it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Outgoing email (invitations, password resets, digests), read from variables named as Django's own settings.
# The console backend prints messages instead of sending them: the default for local development only, so that
# a production server without EMAIL_BACKEND set still tries SMTP and its failures are seen.
MAILERS = {"default": mailer_from_env(default_backend="console" if DEBUG else "smtp")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pwp-tracker@localhost")
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)

# Forms render in the NHS.UK pattern through the templates under templates/django/forms/.
FORM_RENDERER = "config.forms.AccessibleFormRenderer"

DJANGO_TABLES2_TEMPLATE = "tables/nhsuk_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "nhsuk-table"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
