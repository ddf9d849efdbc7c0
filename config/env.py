"""Small typed readers for environment variables that fail loudly on nonsense."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MAIL_BACKENDS = {
    name: f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("smtp", "console", "locmem", "filebased", "dummy")
}


def mailer_from_env(default_backend: str) -> dict:
    """Django's `MAILERS["default"]` from EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
    EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and EMAIL_TIMEOUT. EMAIL_BACKEND is a short name or a dotted path."""
    backend = env_str("EMAIL_BACKEND", default_backend).strip()
    backend = MAIL_BACKENDS.get(backend, backend)
    if "." not in backend:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)} or a dotted path; got {backend!r}."
        )
    if backend != MAIL_BACKENDS["smtp"]:
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        },
    }


def cache_from_env() -> dict:
    """Django's `CACHES["default"]` from CACHE_URL, shared by every process and machine unless told otherwise.

    Unset: the database cache (table `django_cache`, made by `manage.py createcachetable`), so the portfolio
    cache's versions and every rate limit are the same for every web process and worker without another
    service. `redis://` or `rediss://` (one URL, or several comma-separated): Django's Redis cache.
    `locmem://`: this process's memory only (one process, or tests). `dummy://`: no cache.
    """
    url = env_str("CACHE_URL", "").strip()
    if not url or url.startswith("db://"):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url.split(",")}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[9:] or "default"}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix://, locmem://, dummy:// or db://; got {url!r}."
    )


def storage_from_env() -> dict:
    """Django's `STORAGES["default"]`: local disk under MEDIA_ROOT, or S3-compatible object storage.

    Object storage (through django-storages) when STORAGE_S3_BUCKET is set, with STORAGE_S3_ENDPOINT_URL (for
    a service other than Amazon's), STORAGE_S3_REGION, and credentials from the usual AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY variables (read by boto3 itself, never stored in settings). Files are private: the
    product serves them only through its access-checked views.
    """
    bucket = env_str("STORAGE_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "location": env_str("STORAGE_S3_PREFIX", "").strip("/"),
    }
    endpoint = env_str("STORAGE_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        options["endpoint_url"] = endpoint
    region = env_str("STORAGE_S3_REGION", "").strip()
    if region:
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
