"""File operations: receive a file (upload, server path, download to come), check it, and
start the operation a worker prepares. Everything that can be checked is checked before
any operation changes."""

import base64
import binascii
import logging
from dataclasses import dataclass

from bson import ObjectId

from app import importers
from app.config import defaults
from app.contract import states
from app.errors import ActionRefused, ImporterNotDefined, MethodError
from app.importers.base import FileLimits, ImportFileError
from app.importers.download import UrlRefused, check_url, public_url, resolve_import_path
from app.importers.names import check_file_name, stored_file_name
from app.models import import_files, import_operations
from app.services import clock, imports

log = logging.getLogger(__name__)

UPLOAD = "uploadImportFile"
DOWNLOAD = "downloadImportFile"  # sic: Rocket.Chat's details for downloadPublicImportFile
SSRF_REFUSED = "error-ssrf-validation-failed"
# Ours: file operations import users and channels (rooms and members); messages are read
# and counted only.
NOT_IMPORTED_KINDS = ["messages"]
READ_BYTES = 256 * 1024  # how much of a stream is read at a time
_BASE64_CHARS = 4 * 64 * 1024  # base64 decoded this many characters at a time


@dataclass(frozen=True)
class FileSettings:
    """The settings of the file importers (defaults in app/config.py)."""

    limits: FileLimits
    url_allowlist: tuple = ()
    download_timeout: float = 30.0
    folder: str | None = None

    @classmethod
    def default(cls):
        """Return the settings of app/config.py's defaults."""
        return cls.from_settings(defaults())

    @classmethod
    def from_settings(cls, settings):
        """Read MAX_IMPORT_FILE_BYTES, IMPORT_MAX_*, IMPORT_URL_ALLOWLIST and the rest."""
        return cls(
            limits=FileLimits(
                max_file_bytes=settings["MAX_IMPORT_FILE_BYTES"],
                max_unpacked_bytes=settings["IMPORT_MAX_UNPACKED_BYTES"],
                max_ratio=settings["IMPORT_MAX_ZIP_RATIO"],
                max_entries=settings["IMPORT_MAX_ZIP_ENTRIES"],
            ),
            url_allowlist=tuple(settings["IMPORT_URL_ALLOWLIST"]),
            download_timeout=settings["IMPORT_DOWNLOAD_TIMEOUT_SECONDS"],
            folder=settings["IMPORT_FILE_FOLDER"],
        )


def importer_for(key, method):
    """Return the file importer of a key, or refuse it as Rocket.Chat does."""
    importer = importers.find(key)
    if importer is None:
        raise ImporterNotDefined(key, method)
    return importer


def too_large(max_bytes, method=UPLOAD):
    """Return the refusal of a file over MAX_IMPORT_FILE_BYTES."""
    return MethodError(
        f"The file is larger than the limit of {max_bytes} bytes (MAX_IMPORT_FILE_BYTES)",
        "error-file-too-large",
        method,
    )


def checked_name(file_name, method=UPLOAD):
    """Return the file name to store, or refuse one that tries to escape or is empty."""
    try:
        return check_file_name(file_name)
    except ImportFileError as error:
        raise MethodError(str(error), "error-invalid-file-name", method) from None


def base64_chunks(text):
    """Yield the bytes of a base64 text, a slice at a time; refuse text that is not base64.

    Line breaks and spaces (`base64` wraps its output at 76 columns) are ignored.
    """
    spaced = any(space in text for space in " \t\r\n\v\f")
    compact = "".join(text.split()) if spaced else text
    # Padding only at the very end: each slice is decoded on its own.
    if len(compact) % 4 or compact.find("=", 0, max(len(compact) - 2, 0)) >= 0:
        raise _invalid_base64()
    for start in range(0, len(compact), _BASE64_CHARS):
        try:
            yield base64.b64decode(compact[start : start + _BASE64_CHARS], validate=True)
        except (binascii.Error, ValueError):
            raise _invalid_base64() from None


def _invalid_base64():
    return MethodError("binaryContent is not valid base64", "error-invalid-base64", UPLOAD)


def base64_size(file_bytes):
    """Return how many characters base64 needs for a file of file_bytes."""
    return (file_bytes + 2) // 3 * 4


def receive(db, importer, file_name, chunks, settings, method=UPLOAD):
    """Store a file from byte chunks, counted as they arrive; refuse one that is too large
    or cannot be this importer's, deleting what was stored. Return the StoredFile."""
    limit = settings.limits.max_file_bytes
    try:
        stored = import_files.store(db, file_name, chunks, limit)
    except import_files.FileTooLarge:
        raise too_large(limit, method) from None
    try:
        if stored.length == 0:
            raise ImportFileError(f"{file_name} is empty")
        importer.check_head(stored.head)
    except ImportFileError as error:
        import_files.delete(db, [stored.id])
        raise MethodError(str(error), "error-invalid-file", method) from None
    return stored


def start_with_file(db, user_id, importer, file_name, content_type, stored):
    """Replace every operation with a file operation holding a stored file (import.new's
    invalidation, then `importer_uploading` -> `importer_file_loaded`); return it."""
    now = clock.now()
    operation = _new_file_operation(db, user_id, importer, states.UPLOADING, now)
    operation.update(
        file=stored_file_name(now, user_id, file_name),
        contentType=content_type,
    )
    operation[states.FILE_ID] = stored.id
    imports.replace_operations(db, operation)
    import_operations.switch_status(
        db, operation["_id"], states.UPLOADING, states.FILE_LOADED, clock.now()
    )
    return operation


def upload(db, user_id, importer_key, file_name, content_type, chunks, settings):
    """Store an uploaded file and start its operation; refuse it before anything changes."""
    importer = importer_for(importer_key, UPLOAD)
    name = checked_name(file_name)
    stored = receive(db, importer, name, chunks, settings)
    return start_with_file(db, user_id, importer, name, content_type, stored)


def download(db, user_id, importer_key, file_url, settings):
    """Start an operation that a worker downloads (a URL) or store a server path's file."""
    importer = importer_for(importer_key, DOWNLOAD)
    if not file_url.lower().startswith(("http://", "https://")):
        return _from_folder(db, user_id, importer, file_url, settings)
    now = clock.now()
    operation = _new_file_operation(db, user_id, importer, states.DOWNLOADING_FILE, now)
    operation[states.DOWNLOAD] = {"url": file_url}
    imports.replace_operations(db, operation)
    try:
        check_url(file_url, settings.url_allowlist)
    except (UrlRefused, ImportFileError) as error:
        reason = f"{public_url(file_url)}: {error}"
        log.warning("download refused: %s", reason)
        import_operations.update(
            db,
            operation["_id"],
            {"status": states.FAILED, states.ERROR_MESSAGE: reason, states.DOWNLOAD: None},
            clock.now(),
        )
        if isinstance(error, UrlRefused):
            raise ActionRefused(SSRF_REFUSED) from None
        raise MethodError(str(error), "error-invalid-file", DOWNLOAD) from None
    return operation


def _from_folder(db, user_id, importer, path, settings):
    try:
        resolved = resolve_import_path(settings.folder, path)
    except ImportFileError as error:
        # Not Rocket.Chat's bare path: say why (no folder configured, outside the folder).
        raise MethodError(str(error), "error-import-file-missing", DOWNLOAD) from None
    if not resolved.is_file():
        raise MethodError(path, "error-import-file-missing", DOWNLOAD)
    name = checked_name(resolved.name, DOWNLOAD)
    with resolved.open("rb") as file:
        chunks = iter(lambda: file.read(READ_BYTES), b"")
        stored = receive(db, importer, name, chunks, settings, DOWNLOAD)
    return start_with_file(db, user_id, importer, name, "application/octet-stream", stored)


def _new_file_operation(db, user_id, importer, status, now):
    return {
        "_id": str(ObjectId()),
        "type": importer.name,
        "importerKey": importer.key,
        "ts": now,
        "status": status,
        "valid": True,
        "user": user_id,
        "_updatedAt": now,
        states.NOT_IMPORTED: NOT_IMPORTED_KINDS,
    }
