"""Django's file cache, without closing the folders above it, and with cheaper culling.

Django creates a file cache's folder and every missing folder above it with mode 0700
(django.core.cache.backends.filebased). When the cache lives in the data folder
(DJANGO_DATA_DIR/cache/…) and is the first thing to write there, the data folder itself becomes
0700 and nginx's workers can no longer read the static files, media and protected files below
it. The folders above are created here first, with the process's umask, as any other folder of
the data directory is; the cache's own folder stays private.

Django also lists the whole folder on every write, to count its entries, and when MAX_ENTRIES
is reached deletes a random third of them, live and expired alike. With a few hundred rendered
search pages that listing is most of a write's time (about 1.5 ms of 1.8), and the random cull
throws away pages that people are still asking for while expired ones stay. Here a process
looks at the folder at most once every CULL_INTERVAL seconds, and a cull removes the oldest
entries first (by the time they were written, so the expired ones go first), down to the
same two thirds of MAX_ENTRIES as Django's default. Entries are compressed at zlib's fastest
level (Django uses the default, 6): a rendered page compresses about 6x faster for some 13%
more bytes, and reading is the same.
"""

import os
import pickle
import time
import zlib
from pathlib import Path
from typing import IO, Any

from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache

# Seconds between one process's looks at the folder's size: the folder may exceed MAX_ENTRIES
# by what the machine's processes write in that time.
CULL_INTERVAL = 1.0


class FileBasedCache(DjangoFileBasedCache):
    _next_cull = 0.0

    def _createdir(self) -> None:
        # Private members of Django's backend, unknown to django-stubs.
        Path(self._dir).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
        super()._createdir()  # type: ignore[misc]

    def _write_content(self, file: IO[bytes], timeout: Any, value: Any) -> None:
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), zlib.Z_BEST_SPEED))

    def _cull(self) -> None:
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_INTERVAL
        written: list[tuple[float, str]] = []
        suffix = self.cache_suffix
        with os.scandir(self._dir) as entries:  # type: ignore[attr-defined]
            for entry in entries:
                if entry.name.endswith(suffix):
                    try:
                        written.append((entry.stat().st_mtime, entry.path))
                    except FileNotFoundError:  # another process deleted it meanwhile
                        continue
        max_entries: int = self._max_entries
        if len(written) < max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        keep = max_entries - max_entries // self._cull_frequency
        written.sort()
        for _mtime, path in written[: len(written) - keep]:
            self._delete(path)  # type: ignore[attr-defined]
