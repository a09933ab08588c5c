"""The file importers' routes: importers.list, uploadImportFile, downloadPublicImportFile,
getImportFileData and startImport (getImportProgress is with the read-only routes)."""

import functools

from flask import Response, current_app, g, request
from marshmallow import RAISE

from app import importers
from app.api import uploads
from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.extensions.worker_binding import get_worker
from app.schemas.envelope import FailureOut
from app.schemas.file_imports import (
    UPLOAD_REQUEST_BODY,
    DownloadBody,
    ImporterOut,
    NoQuery,
    SelectionOut,
    StartImportBody,
    UploadQuery,
    selection_json,
)
from app.schemas.imports import SuccessOut
from app.services import file_imports, selection
from app.services.file_imports import FileSettings

blp = Blueprint(
    "File imports",
    __name__,
    url_prefix="/api/v1",
    description="Rocket.Chat's file importers: upload or download a file, review its users, start.",
)

_REFUSED = {"schema": FailureOut, "description": "Refused: the message says why"}


def _settings():
    return FileSettings.from_settings(current_app.config)


@blp.get("/importers.list")
@blp.arguments(NoQuery, location="query", unknown=RAISE)
@blp.response(200, ImporterOut(many=True))
@blp.requires("run-import")
def importers_list(query):
    """List the file importers (a bare array of `{key, name}`)."""
    return [{"key": importer.key, "name": importer.name} for importer in importers.visible()]


def _upload_body(view):
    # The JSON body is validated before the permission (Rocket.Chat's order); a streamed
    # body only after it, so that nobody without the permission gets a file stored.
    @functools.wraps(view)
    def parsed(query):
        return view(query, None if uploads.is_streamed(query) else uploads.read_upload(query))

    return parsed


def _upload_body_limit(config):
    # A streamed upload is also counted as it arrives, against MAX_IMPORT_FILE_BYTES.
    if uploads.is_streamed(request.args):
        return uploads.streamed_body_limit(config)
    return uploads.json_body_limit(config)


def _with_body_limit(view):
    view.body_limit = _upload_body_limit  # read by app.api.body before any byte
    return view


@blp.post("/uploadImportFile")
@_with_body_limit
@blp.arguments(UploadQuery, location="query", unknown=RAISE)
@blp.doc(requestBody=UPLOAD_REQUEST_BODY)
@blp.response(200, SuccessOut)
@blp.alt_response(400, **_REFUSED)
@_upload_body
@blp.requires("run-import")
def upload_import_file(query, upload):
    """Store an import file and start its operation; a worker prepares it."""
    settings = _settings()
    if upload is None:
        upload = uploads.read_upload(query)
    file_imports.upload(
        get_db(),
        g.user["_id"],
        upload.importer_key,
        upload.file_name,
        upload.content_type,
        upload.chunks,
        settings,
    )
    get_worker().wake()
    return {}


@blp.post("/downloadPublicImportFile")
@blp.arguments(DownloadBody)
@blp.response(200, SuccessOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def download_public_import_file(body):
    """Fetch an http(s) URL in the background, or read a file of IMPORT_FILE_FOLDER."""
    file_imports.download(
        get_db(), g.user["_id"], body["importerKey"], body["fileUrl"], _settings()
    )
    get_worker().wake()
    return {}


@blp.get("/getImportFileData")
@blp.arguments(NoQuery, location="query", unknown=RAISE)
@blp.response(200, SelectionOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_file_data(query):
    """`{waiting: true}` while the worker prepares the file, then the users and channels."""
    result = selection.file_data(get_db())
    if isinstance(result, dict):
        return result  # {waiting: true}
    return Response(selection_json(result), mimetype="application/json")


@blp.post("/startImport")
@blp.arguments(StartImportBody)
@blp.response(200, SuccessOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def start_import(body):
    """Import the selected users (6.x full selection or 7.0 `{all, list}`); answer at once."""
    selection.start(get_db(), body["input"])
    get_worker().wake()
    return {}
