"""The cache is chosen from the environment: shared by every process unless a deployment says otherwise."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_from_env


def test_without_cache_url_every_process_shares_the_database_cache(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_from_env() == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }


def test_a_redis_url_chooses_djangos_redis_cache(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://10.1.2.3:6379/0,redis://10.1.2.4:6379/0")
    assert cache_from_env() == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ["redis://10.1.2.3:6379/0", "redis://10.1.2.4:6379/0"],
    }


def test_an_unknown_cache_url_stops_the_start_with_a_message(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "memcached://somewhere")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_env()
