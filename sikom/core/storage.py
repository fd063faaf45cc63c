"""File storage for private files (evidence): Django's file system storage, hardened.

Files are only ever read through the application (no URL), so the folder must be private and nothing in it may
point elsewhere. Deployments with several application servers use an object store instead (``EVIDENCE_STORAGE=s3``,
django-storages; see docs/operations.md); everything here concerns the single-server default.
"""

import os

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` rooted at ``settings.EVIDENCE_ROOT`` (read lazily, so tests and ``override_settings``
    can move it), with files 0o600 and folders 0o700, no symbolic links followed or listed, and ``save`` returning
    only once the file and its folder entry are on disk (an acknowledged upload survives a power cut)."""

    def __init__(self, **options) -> None:
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.EVIDENCE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "EVIDENCE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def path(self, name: str) -> str:
        path = super().path(name)  # safe_join: no ".." or absolute names out of the root
        # safe_join compares names only; a symbolic link inside the root could still lead out of it.
        real_root = os.path.realpath(self.location)
        if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
            raise SuspiciousFileOperation(f"{name!r} leads out of the storage root through a symbolic link")
        return path

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        directories, files = [], []
        with os.scandir(self.path(path)) as entries:
            for entry in entries:
                if entry.is_symlink():
                    continue  # housekeeping neither follows nor deletes what a link points to
                (directories if entry.is_dir() else files).append(entry.name)
        return directories, files

    def _save(self, name, content) -> str:
        name = super()._save(name, content)
        full_path = self.path(name)
        for path, flags in [(full_path, os.O_RDONLY), (os.path.dirname(full_path), os.O_RDONLY | os.O_DIRECTORY)]:
            descriptor = os.open(path, flags)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        return name
