from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

from core.translation import flatten_site_languages
from core.validation import check_write_bounds


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        # Every project model, every write path (page, API, importer, admin): one set of bounds.
        pre_save.connect(check_write_bounds, dispatch_uid="core.write_bounds")
        # Every page's lookups of the project's (Chinese) strings, without a walk along eleven
        # fallback catalogues each (core.translation).
        flatten_site_languages()
