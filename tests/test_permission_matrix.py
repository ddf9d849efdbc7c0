"""Every URL pattern has a declared outcome for every persona, and the site answers exactly that."""

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix import LOGIN, all_rows
from tests.world import PERSONAS

ROWS = all_rows()
# Django's own admin checks staff status itself; it is covered by test_admin_is_for_staff_only.
SKIPPED_NAMESPACES = {"admin"}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from url_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"Every URL pattern needs a name: {pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_has_a_row_and_every_row_a_pattern():
    names = set(url_names())
    assert sorted(names - set(ROWS)) == [], "URL patterns without a permission-matrix row"
    assert sorted(set(ROWS) - names) == [], "Permission-matrix rows for URL patterns that no longer exist"


def test_every_row_declares_every_persona():
    for name, row in ROWS.items():
        assert set(row.outcomes) == set(PERSONAS), name


def answer(client, row, world, persona):
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = getattr(client, row.method)(row.url(world), row.data(world))
    if response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(ROWS))
def test_permission_matrix(world, name):
    """Each persona in turn, in a rolled-back transaction so that one persona's POST cannot touch the next."""
    row = ROWS[name]
    answers = {}
    for persona in PERSONAS:
        with transaction.atomic():
            answers[persona] = answer(Client(), row, world, persona)
            transaction.set_rollback(True)
    wrong = {
        p: f"expected {row.outcomes[p]}, got {answers[p]}" for p in PERSONAS if answers[p] != row.outcomes[p]
    }
    assert wrong == {}, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_staff_only(client, world, persona):
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    if persona == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
