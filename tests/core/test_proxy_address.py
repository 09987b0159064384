"""Behind the TLS proxy the client's address comes from the proxy's X-Forwarded-For."""

from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import ProxiedClientAddressMiddleware


def _address(**meta) -> str:
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    ProxiedClientAddressMiddleware(view)(RequestFactory().get("/", **meta))
    return seen["addr"]


def test_behind_the_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert _address(HTTP_X_FORWARDED_FOR="203.0.113.7") == "203.0.113.7"
    # A client's own header comes first; the proxy's entry is the last one.
    assert _address(HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.2") == "198.51.100.2"
    assert _address() == "127.0.0.1"


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    assert _address(HTTP_X_FORWARDED_FOR="203.0.113.7") == "127.0.0.1"
