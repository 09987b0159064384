"""Django's file cache, without closing the folders above it.

Django creates a file cache's folder and every missing folder above it with mode 0700
(django.core.cache.backends.filebased). When the cache lives in the data folder
(DJANGO_DATA_DIR/cache/…) and is the first thing to write there, the data folder itself becomes
0700 and nginx's workers can no longer read the static files, media and protected files below
it. The folders above are created here first, with the process's umask, as any other folder of
the data directory is; the cache's own folder stays private.
"""

from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache


class FileBasedCache(DjangoFileBasedCache):
    def _createdir(self) -> None:
        # Private members of Django's backend, unknown to django-stubs.
        Path(self._dir).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
        super()._createdir()  # type: ignore[misc]
