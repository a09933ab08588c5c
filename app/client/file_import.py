"""Import a file through a server's file importer: upload, preparation, startImport, watch.

The file goes up as a raw streamed body (this service); a server that only takes
Rocket.Chat's base64 JSON body gets that instead, streamed too. Then getImportFileData is
polled until the selection is ready, every user of it is started with startImport, and the
import is watched and reported as the addUsers path does.
"""

import mimetypes
from pathlib import Path

from app.client.api import ApiError, Unreachable
from app.client.importer import Importer, Outcome, Refused
from app.client.output import plural
from app.client.uploads import Base64JsonBody, RawBody
from app.contract import states

# Rocket.Chat 7.0's short selection: every user and every channel (rooms and members).
ALL_USERS = {"users": {"all": True}, "channels": {"all": True}}
CONTENT_TYPES = {"csv": "application/zip", "slack-users": "text/csv"}
_FAILED = "error"


class FileImporter(Importer):
    """Sends a file to the importer `key` of the server and imports every user it holds."""

    def __init__(self, client, progress, key, *, poll_seconds, force):
        # No chunks: the server reads the file. No defaults: main.py holds them, once.
        super().__init__(client, progress, chunk_size=None, poll_seconds=poll_seconds, force=force)
        self.key = key

    def run(self, path):
        """Upload, prepare, import and watch the file at `path`; return the Outcome."""
        path = Path(path)
        outcome = Outcome()
        self._require_no_running_import()
        started = self.clock()
        self._upload(path)
        operation = self.client.import_status().get("operation") or {}
        outcome.operation_id = operation.get("_id")
        selection = self._selection(path, operation.get("_id"))
        users = selection.get("users") or []
        outcome.read = len(users)
        self._tell_what_is_left_out(path, selection)
        if not users:
            return outcome
        self._start(selection)
        outcome.sent = len(users)
        outcome.staging_seconds = self.clock() - started
        # The selected users: count.total also counts the file's channels and messages.
        status = self._watch(operation["_id"], len(users), total=len(users))
        outcome.import_seconds = self.clock() - started - outcome.staging_seconds
        self._conclude(status, outcome, ())  # a zip's records have no line of their own
        return outcome

    def _upload(self, path):
        content_type = CONTENT_TYPES.get(self.key) or _guess_type(path)
        query = {"importerKey": self.key, "fileName": path.name}
        try:
            self.client.upload_import_file(RawBody(path, self._sent), query, content_type)
        except ApiError as error:
            self.progress.finish()
            if not _streaming_unsupported(error):
                raise self._refused_upload(error) from None
            self.progress.note(
                "the server takes no streamed upload: sending Rocket.Chat's base64 JSON body"
            )
            fields = {"contentType": content_type, "fileName": path.name, "importerKey": self.key}
            try:
                self.client.upload_import_file(Base64JsonBody(path, fields, self._sent))
            except ApiError as error:
                self.progress.finish()
                raise self._refused_upload(error) from None
        self.progress.finish()

    def _sent(self, sent, total):
        self.progress.uploading(sent, total)

    def _refused_upload(self, error):
        if error.error_type != "error-importer-not-defined":
            return error
        try:
            known = ", ".join(i["key"] for i in self.client.importers())
        except (ApiError, KeyError, TypeError):
            return error
        reason = error.reason.rstrip(".")
        return Refused(f"{reason}; the server's importers are: {known} ({error.where})")

    def _selection(self, path, operation_id):
        """Poll getImportFileData until the file is prepared; return the selection."""
        stalled = self._stall_watch()
        while True:
            try:
                data = self.client.import_file_data()
            except ApiError as error:
                self._stop_if_failed(path, operation_id)
                raise error from None
            if not data.get("waiting"):
                self.progress.finish()
                return data
            operation = self._stop_if_failed(path, operation_id)
            step, found = operation.get("status") or "waiting", _found(operation.get("count") or {})
            self.progress.preparing(step, found)
            stalled((step, found))
            self.sleep(self.poll_seconds)

    def _stop_if_failed(self, path, operation_id):
        """Return the file's operation; raise Refused if it failed or was replaced."""
        status = self.client.import_status()
        operation = status.get("operation") or {}
        if operation_id and operation.get("_id") != operation_id:
            self.progress.finish()
            raise Refused("another import operation replaced this one on the server")
        if status.get("state") == _FAILED:
            self.progress.finish()
            reason = _failure_of(operation)
            raise Refused(
                f"the server could not prepare {path.name}, nothing was imported: {reason}"
            )
        return operation

    def _tell_what_is_left_out(self, path, selection):
        channels = [c for c in selection.get("channels") or [] if not c.get("is_direct")]
        messages = selection.get("message_count") or 0
        text = f"{path.name}: {plural(len(selection.get('users') or []), 'user')} to import"
        if channels:
            members = sum(c.get("memberCount") or 0 for c in channels)
            text += f", {plural(len(channels), 'channel')} ({plural(members, 'member')})"
        if messages:
            text += f"; {plural(messages, 'message')} not imported (rooms and members only)"
        self.progress.note(text + ".")

    def _start(self, selection):
        try:
            self.client.start_import(ALL_USERS)
        except ApiError as error:
            if error.status != 400 or error.error_type != "invalid-params":
                raise
            # Rocket.Chat 6.x knows only the full selection: the same choice, spelled out.
            self.client.start_import(_full_selection(selection))
        except Unreachable:
            # startImport cannot be sent twice; a server slow to apply the selection may
            # still have started: import.status tells.
            if self.client.import_status().get("state") not in states.STARTED_STATES:
                raise
            self.progress.note("startImport did not answer in time, but the import has started")


def _streaming_unsupported(error):
    # Rocket.Chat reads only its JSON body, and finds no binaryContent in a raw one.
    return error.status == 415 or (
        error.status == 400
        and error.error_type == "invalid-params"
        and "binaryContent" in error.error
    )


def _guess_type(path):
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _found(count):
    return {kind: count.get(kind) or 0 for kind in ("users", "channels", "messages")}


def _failure_of(operation):
    # This service writes why a file could not be prepared in `errorMessage`; Rocket.Chat
    # writes no reason at all.
    reason = operation.get("errorMessage")
    return str(reason) if reason else f"the operation ended at {operation.get('status')}"


def _full_selection(selection):
    users = [{**user, "do_import": True} for user in selection.get("users") or []]
    channels = [{**channel, "do_import": True} for channel in selection.get("channels") or []]
    return {"users": users, "channels": channels}
