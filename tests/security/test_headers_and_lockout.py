"""Security settings: CSP on every response, login lockout (django-axes), production flags."""

import json
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from tests.config.test_settings import manage, production_env
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_site_pages_get_a_strict_same_origin_policy(client):
    policy = _policy(client.get(reverse("login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]


def test_api_responses_carry_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json")


def test_admin_allows_inline_scripts_and_styles_but_no_other_origin(client):
    policy = _policy(client.get("/admin/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert all(v in ("'self'", "'unsafe-inline'") for v in policy["script-src"])


def _fail(client, url, username, times):
    for _ in range(times):
        response = client.post(
            url, {"login": username, "username": username, "password": "wrong-password"}
        )
    return response


@pytest.mark.parametrize("url", ["/accounts/login/"])
def test_login_locks_out_after_the_failure_limit(client, url):
    user = UserFactory(username="target", is_staff=True)
    limit = settings.AXES_FAILURE_LIMIT
    response = _fail(client, url, user.username, limit - 1)
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    response = _fail(client, url, user.username, 1)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    text = response.content.decode()
    assert "登录已暂时锁定" in text
    assert f"连续 {limit} 次" in text
    assert "15 分钟后" in text
    # The right password does not get in while the lockout lasts.
    response = client.post(
        url, {"login": user.username, "username": user.username, "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client):
    _fail(client, "/accounts/login/", "someone-else", settings.AXES_FAILURE_LIMIT)
    UserFactory(username="innocent")
    response = client.post(
        "/accounts/login/", {"login": "innocent", "username": "innocent", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    # The same username from another address is not locked either.
    UserFactory(username="someone-else")
    response = client.post(
        "/accounts/login/",
        {"login": "someone-else", "username": "someone-else", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == HTTPStatus.FOUND


def test_success_resets_the_failure_count(client):
    user = UserFactory(username="forgetful")
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, "/accounts/login/", user.username, limit - 1)
    response = client.post(
        "/accounts/login/",
        {"login": user.username, "username": user.username, "password": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    response = _fail(client, "/accounts/login/", user.username, limit - 1)
    assert response.status_code == HTTPStatus.OK


def test_locked_out_ajax_login_gets_a_chinese_json_answer(client):
    _fail(client, "/accounts/login/", "scripted", settings.AXES_FAILURE_LIMIT)
    response = client.post(
        "/accounts/login/",
        {"login": "scripted", "username": "scripted", "password": "x"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert json.loads(response.content)["failure_limit"] == settings.AXES_FAILURE_LIMIT


def test_test_client_login_still_works_without_a_request(client):
    user = UserFactory()
    assert client.login(username=user.username, password=PASSWORD)


def test_password_validators_cover_length_similarity_common_and_numeric():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_production_turns_on_hsts_secure_cookies_and_frame_denial(tmp_path):
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "AXES_FAILURE_LIMIT",
    ]
    result = manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}})); "
        "print(json.dumps([m for m in settings.MIDDLEWARE]))",
        env_overrides=production_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    values_line, middleware_line = result.stdout.strip().splitlines()[-2:]
    values = json.loads(values_line)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5
    middleware = json.loads(middleware_line)
    assert "core.middleware.ContentSecurityPolicyMiddleware" in middleware
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert "django.middleware.csrf.CsrfViewMiddleware" in middleware
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in middleware
