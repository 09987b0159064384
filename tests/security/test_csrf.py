"""CSRF: every HTML view refuses a POST without a token; the API refuses cookie-only writes."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.factories import UserFactory, activate_totp

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CSRF_MARKER = "X-Test-CSRF-Failure"


def csrf_failed(request, reason=""):
    return HttpResponse(reason, status=HTTPStatus.FORBIDDEN, headers={CSRF_MARKER: "1"})


_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?\w+>")
_SAMPLES = {"int": "1", "path": "x/y", None: "x", "str": "x", "slug": "x", "uuid": "0" * 32}


def _sample_path(route: str) -> str | None:
    if route.startswith("^") or "(" in route:
        # Regex routes: the Wagtail page catch-all is sampled by the home page; others skip.
        return "" if route.endswith(r"^((?:[\w\-]+/)*)$") else None
    return _CONVERTER.sub(lambda m: _SAMPLES.get(m["conv"], "x"), route)


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _sampled_views():
    seen = {}
    for route, callback in _routes():
        path = _sample_path(route)
        if path is None:
            continue
        path = "/" + path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func is callback:
            seen.setdefault(path, callback)
    return seen


# Wagtail's admin API is Django REST framework: csrf_exempt views whose session authentication
# enforces the token itself (a 403 with DRF's own message).
SELF_CHECKING = ("/api/v1/", "/admin/api/")


def test_every_html_view_rejects_a_post_without_a_csrf_token(settings):
    settings.CSRF_FAILURE_VIEW = "tests.security.test_csrf.csrf_failed"
    client = Client(enforce_csrf_checks=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(superuser)  # else every page redirects to the two-factor setup first
    client.force_login(superuser)
    views = _sampled_views()
    assert len(views) > 100  # the site, the Wagtail admin and the Django admin
    let_through = []
    for path, callback in views.items():
        response = client.post(path, {"title": "x"})
        if path.startswith(SELF_CHECKING):
            if path.startswith("/admin/api/") and response.status_code != HTTPStatus.FORBIDDEN:
                let_through.append((path, callback.__module__, response.status_code))
            continue
        if response.get(CSRF_MARKER) != "1":
            let_through.append((path, callback.__module__, response.status_code))
    assert let_through == []


def test_only_api_operations_are_csrf_exempt_and_ninja_checks_them_itself():
    exempt = {
        route
        for route, callback in _routes()
        if getattr(callback, "csrf_exempt", False) and not ("/" + route).startswith(SELF_CHECKING)
    }
    assert exempt == set()


def test_api_writes_with_only_a_session_cookie_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    for path in ("/api/v1/contracts", "/api/v1/market/listings/1/inquiries"):
        response = client.post(path, {}, content_type="application/json")
        assert response.status_code == HTTPStatus.FORBIDDEN, path
        assert response.json()["detail"].startswith("CSRF 校验失败"), path


_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def test_every_post_form_in_the_templates_carries_the_token():
    missing = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for form in _FORM.findall(template.read_text(encoding="utf-8")):
            opening = form.split(">", 1)[0].lower()
            if re.search(r"method=[\"']?post", opening) and "{% csrf_token %}" not in form:
                missing.append(f"{template.relative_to(ROOT)}: {opening}>")
    assert missing == []
