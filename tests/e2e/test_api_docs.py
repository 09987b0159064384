"""The API documentation is served by the site itself and works under its CSP."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_list_the_operations_under_the_csp(live_server, page):
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/ip/coverage" in s.replace("\u200b", "") for s in summaries), summaries
    assert len(summaries) >= 10
    assert problems == [] and [u for u in outside if not u.startswith("data:")] == []
