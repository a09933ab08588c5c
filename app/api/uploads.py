"""uploadImportFile's three bodies, read into one Upload: Rocket.Chat's base64 JSON, a
multipart/form-data upload, or a raw body whose importer is named in the query.

The two streamed forms are read as they arrive and never held whole in memory; their
small fields (the importer key, the file name) must come before the file part.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from flask import request
from marshmallow import ValidationError
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from app.api.body import parse_json
from app.errors import InvalidParams
from app.schemas.ajv import REQUIRED
from app.schemas.file_imports import UploadBody
from app.services.file_imports import base64_chunks, base64_size

READ_BYTES = 256 * 1024
JSON_SLACK = 64 * 1024  # room for the JSON around binaryContent
_MAX_FIELD_BYTES = 64 * 1024  # a form field before the file (importerKey, fileName)


@dataclass
class Upload:
    """A file to store: its importer, its name, its type and its bytes, chunk by chunk."""

    importer_key: str
    file_name: str
    content_type: str
    chunks: Iterator[bytes]


def json_body_limit(config):
    """Return the largest body uploadImportFile reads: base64 of the largest file, or more."""
    return max(config["MAX_BODY_BYTES"], base64_size(config["MAX_IMPORT_FILE_BYTES"]) + JSON_SLACK)


def streamed_body_limit(config):
    """Return the largest streamed body: the largest file, and room for multipart's parts."""
    return config["MAX_IMPORT_FILE_BYTES"] + JSON_SLACK


def is_streamed(query):
    """Tell whether the request carries a streamed upload rather than the JSON body."""
    return request.mimetype == "multipart/form-data" or "importerKey" in query


def read_upload(query):
    """Return the Upload of the request, or raise InvalidParams with AJV's wording."""
    if request.mimetype == "multipart/form-data":
        return _multipart(query)
    if "importerKey" in query:
        return _raw(query)
    return _json()


def _json():
    raw = request.get_data(cache=False)
    body = None if not raw or raw.isspace() else parse_json(raw)  # no copy of the body
    del raw  # the text of binaryContent is enough to hold
    schema = UploadBody()
    try:
        body = schema.load(body if body is not None else {})
    except ValidationError as error:
        raise InvalidParams(schema.first_error(error.messages)) from None
    return Upload(
        body["importerKey"],
        body["fileName"],
        body["contentType"],
        base64_chunks(body["binaryContent"]),
    )


def _raw(query):
    if "fileName" not in query:
        raise InvalidParams(REQUIRED.format(name="fileName"))
    return Upload(
        query["importerKey"],
        query["fileName"],
        query.get("contentType") or request.mimetype or "application/octet-stream",
        _stream_chunks(),
    )


def _stream_chunks():
    stream = request.stream
    while chunk := stream.read(READ_BYTES):
        yield chunk


def _multipart(query):
    boundary = parse_options_header(request.headers.get("Content-Type", ""))[1].get("boundary")
    if not boundary:
        raise InvalidParams("multipart/form-data without a boundary")
    # No memory limit of the decoder's own: it would count the file part too; the fields
    # before the file are limited by _field_value.
    decoder = MultipartDecoder(boundary.encode())
    parts = _events(decoder)
    fields, file_event = dict(query), None
    for event in parts:
        if isinstance(event, Field):
            fields[event.name] = _field_value(parts)
        elif isinstance(event, File):
            file_event = event
            break
    if file_event is None:
        raise InvalidParams(REQUIRED.format(name="file"))
    if "importerKey" not in fields:
        raise InvalidParams(REQUIRED.format(name="importerKey"))
    part_type = file_event.headers.get("Content-Type")
    return Upload(
        fields["importerKey"],
        fields.get("fileName") or file_event.filename or "",
        fields.get("contentType") or part_type or "application/octet-stream",
        _file_data(parts),
    )


def _events(decoder):
    stream, ended = request.stream, False
    while True:
        try:
            event = decoder.next_event()
        except ValueError:  # werkzeug's decoder on a body that is not multipart at all
            raise InvalidParams("the multipart/form-data body is malformed") from None
        if isinstance(event, NeedData):
            if ended:
                raise InvalidParams("the multipart/form-data body ends before its last part")
            chunk = stream.read(READ_BYTES)
            ended = not chunk
            decoder.receive_data(chunk or None)
            continue
        if isinstance(event, Epilogue):
            return
        yield event


def _field_value(parts):
    value = b""
    for event in parts:
        value += event.data
        if len(value) > _MAX_FIELD_BYTES:
            raise InvalidParams("a form field before the file is too long")
        if not event.more_data:
            break
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidParams("a form field is not UTF-8") from None


def _file_data(parts):
    for event in parts:
        if not isinstance(event, Data):
            break  # the parts after the file are not read
        if event.data:
            yield event.data
        if not event.more_data:
            break
