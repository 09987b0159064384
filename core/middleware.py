from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor picked another language with the footer switch.

    The browser's Accept-Language is deliberately ignored: the platform serves Panjin, and an
    English-configured browser should not turn the site's language on by itself.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's strict policy everywhere; the Wagtail and Django admins are relaxed.

    Wagtail 8's admin is not CSP-clean: its date/time widgets and inline panels write inline
    <script> blocks, many templates set inline styles, and image uploads preview from blob:
    URLs. Only staff reach the admins; they still load nothing from other origins.
    """

    ADMIN_PREFIXES = ("/admin/", "/django-admin/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(self.ADMIN_PREFIXES):
            parts.update = {
                **(parts.update or {}),
                "script-src": ["'unsafe-inline'"],
                "style-src": ["'unsafe-inline'"],
                "img-src": ["blob:"],
            }
        return parts
