"""The read-only import routes: status, current operation, latest operations, progress."""

from marshmallow import RAISE

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.envelope import FailureOut
from app.schemas.file_imports import NoQuery
from app.schemas.operations import CurrentOperationOut, OperationOut, ProgressOut, StatusOut
from app.services import operations

blp = Blueprint(
    "Operations",
    __name__,
    url_prefix="/api/v1",
    description="Read the current operation, its status and progress, and the latest operations.",
)


@blp.get("/import.status")
@blp.response(200, StatusOut)
@blp.requires("run-import")
def import_status():
    """Get the state of the current import operation."""
    return operations.import_status(get_db())


@blp.get("/getCurrentImportOperation")
@blp.response(200, CurrentOperationOut)
@blp.requires("run-import")
def current_import_operation():
    """Get the current import operation, if any."""
    return operations.current_operation(get_db())


@blp.get("/getLatestImportOperations")
@blp.response(200, OperationOut(many=True))
@blp.requires("view-import-operations")
def latest_import_operations():
    """List up to 20 operations, most recently updated first (a bare array)."""
    return operations.latest_operations(get_db())


@blp.get("/getImportProgress")
@blp.arguments(NoQuery, location="query", unknown=RAISE)
@blp.response(200, ProgressOut)
@blp.alt_response(400, schema=FailureOut, description="No import operation")
@blp.requires("run-import")
def import_progress(query):
    """Get the progress counters of the current import operation."""
    return operations.import_progress(get_db())
