"""Every app page and the admin run in Chromium under the Content-Security-Policy without a
single violation (blocked scripts, styles, images or frames) or script error."""

import pytest

from core.roles import Role
from tests.e2e.two_factor import pass_two_factor
from tests.factories import PASSWORD
from tests.ip_registry.factories import EnterpriseFactory, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True)

SITE_PAGES = [
    "/",
    "/market/results/",
    "/market/demands/",
    "/market/mine/",
    "/market/stats/",
    "/registry/",
    "/registry/dashboard/",
    "/contracts/",
    "/contracts/stats/",
    "/contracts/queue/",
    "/contracts/verify/",
    "/search/?q=消泡剂",
    "/stats/",
    "/accounts/",
    "/accounts/tokens/",
    "/accounts/review/",
    "/accounts/2fa/",
    "/accounts/organizations/apply/",
    "/accounts/password/change/",
]


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        # Only policy violations: a missing /favicon.ico is a 404, not a CSP problem.
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    return problems


def test_site_and_admin_pages_raise_no_csp_violation(live_server, page, make_user, organization):
    admin = make_user(Role.ADMINISTRATOR, username="csp-admin")
    listing = make_listing(organization=organization)
    patent = patent_with_history(holder=EnterpriseFactory())
    problems = _watch(page)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(admin.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_two_factor(page)
    page.wait_for_url(live_server.url + "/")

    pages = [
        *SITE_PAGES,
        listing.url,
        f"/registry/patents/{patent.application_number}/",
        "/admin/",
        f"/admin/pages/{listing.pk}/edit/",
        "/admin/images/multiple/add/",
        "/admin/registry/import/",
        "/django-admin/",
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status < 400, (path, response.status)
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("load")
        assert problems == [], path
