"""A bounded load test on loopback: gunicorn with two workers on 127.0.0.1, and N signed-in users at once.

Used by `manage.py bench_pages --load N`. Every request goes to 127.0.0.1 only; each user makes a fixed
number of requests, and the whole run stops after a deadline whatever happens, so it always ends by itself.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

HOST = "127.0.0.1"
DEADLINE_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _session_cookie(user) -> str:
    """A signed-in session for `user`, as the login view would leave it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _get(port: int, url: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", url, headers={"Cookie": cookie, "Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def run_load_test(user, url: str, *, users: int, requests_per_user: int) -> dict:
    port = _free_port()
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1", "DJANGO_HTTPS": "0"}
    server = subprocess.Popen(  # noqa: S603 - our own server, on loopback
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],  # fmt: skip
        cwd=Path(settings.BASE_DIR),
        env=env,
    )
    cookie = _session_cookie(user)
    try:
        for _ in range(100):  # wait for it to answer
            try:
                _get(port, url, cookie)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(4):  # both workers warm
            _get(port, url, cookie)
        times, errors, lock = [], [], threading.Lock()
        stop_at = time.monotonic() + DEADLINE_SECONDS

        def one_user():
            for _ in range(requests_per_user):
                if time.monotonic() > stop_at:
                    return
                try:
                    status, seconds = _get(port, url, cookie)
                except OSError as error:
                    with lock:
                        errors.append(str(error))
                    continue
                with lock:
                    (times if status == 200 else errors).append(seconds if status == 200 else status)

        threads = [threading.Thread(target=one_user) for _ in range(users)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE_SECONDS)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(times)
    return {
        "users": users,
        "requests": len(ordered),
        "errors": len(errors),
        "seconds": elapsed,
        "per_second": len(ordered) / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p95_ms": ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000 if ordered else 0.0,
    }
