from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


@deconstructible
class PrivateFileStorage(Storage):
    """STORAGES["private"], looked up on every call: files never land under MEDIA_URL, and a
    test's or deployment's storage change is honoured without re-importing models.

    Organisation licences, contract scans and certificates, and plan evidence and bulletins use
    it; they are served only through permission-checked views.
    """

    def _backend(self):
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._backend().open(name, mode)

    def _save(self, name, content):
        return self._backend().save(name, content)

    def get_available_name(self, name, max_length=None):
        return self._backend().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._backend().delete(name)

    def exists(self, name):
        return self._backend().exists(name)

    def size(self, name):
        return self._backend().size(name)

    def path(self, name):
        return self._backend().path(name)

    def url(self, name):
        raise NotImplementedError(_("私有文件没有公开地址，只能经权限检查后下载"))


private_files = PrivateFileStorage()
