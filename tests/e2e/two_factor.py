"""Staff roles sign in with TOTP: test staff share tests.factories.TOTP_SECRET."""

from tests.factories import totp_code


def pass_two_factor(page) -> None:
    """After the password step: type the authenticator code when allauth asks for it."""
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" not in page.url:
        return
    page.locator("input[name=code]").fill(totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
