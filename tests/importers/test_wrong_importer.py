"""A file sent the wrong way is told where it goes: a plain CSV to the users-file path, a
zip to --importer csv, a spreadsheet to "export it as CSV UTF-8", a users file away from
the Slack importer at its header. A person reads no machine code; API bodies keep it."""

import io
import zipfile

import pytest
from click.testing import CliRunner

from app.client.api import ApiError
from app.client.main import main
from app.importers import find
from app.importers.base import ImportFileError
from tests.support import importfiles
from tests.support.fileroutes import status
from tests.support.importfiles import SLACK_HEADER, limits, zip_of

CSV, SLACK = find("csv"), find("slack-users")
USERS_FILE_HEADER = b"username,email,name,importId,roles,password,utcOffset\n"
USERS_FILE_PATH = (
    "a CSV of users is imported as it is, without a file importer: in the console choose the"
    " importer 'Users file (CSV, JSON, JSON Lines)'; with bulk-import-users leave out --importer"
)
EXPORT = "export it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
# A workbook as Excel writes it: a zip whose first entry is [Content_Types].xml.
XLSX = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
# One whose first entries say nothing (openpyxl's order): told at its entries.
XLSX_LATE = zip_of(
    {"docProps/app.xml": b"<a/>" * 2000, "xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_STORED
)
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


def refusal(importer, data):
    with pytest.raises(ImportFileError) as raised:
        importer.check_head(data[:4096])
    return str(raised.value)


def preparation_refusal(importer, data):
    with pytest.raises(ImportFileError) as raised:
        list(importer.prepare(io.BytesIO(data), limits()))
    return str(raised.value)


def test_a_plain_users_csv_sent_to_the_csv_importer_is_told_the_users_file_path():
    message = refusal(CSV, USERS_FILE_HEADER + b"ann,ann@example.org,Ann,1,user,,0\n")
    assert message == (
        "this importer reads a .zip file holding users.csv; the file is not a zip: "
        + USERS_FILE_PATH
    )


def test_a_slack_member_list_sent_to_the_csv_importer_is_told_the_slack_importer():
    assert refusal(CSV, importfiles.slack_csv(2)).endswith(
        "the file is not a zip: it looks like Slack's member list, which goes to the"
        " slack-users importer"
    )


@pytest.mark.parametrize("importer", [CSV, SLACK], ids=["csv", "slack-users"])
@pytest.mark.parametrize(
    "data, kind",
    [(XLSX, "an Excel workbook (.xlsx)"), (XLS, "an Excel 97-2003 workbook (.xls)")],
    ids=["xlsx", "xls"],
)
def test_a_spreadsheet_is_told_to_export_it_as_csv_utf8(importer, data, kind):
    assert refusal(importer, data).endswith(f"; the file is {kind}, not CSV text: {EXPORT}")


def test_a_workbook_the_head_does_not_tell_is_told_at_its_entries():
    assert CSV.check_head(XLSX_LATE[:4096]) is None  # a zip, as far as its head tells
    assert preparation_refusal(CSV, XLSX_LATE).endswith(EXPORT)


def test_a_users_csv_sent_to_the_slack_importer_is_refused_at_its_header():
    data = USERS_FILE_HEADER + b"ann,ann@example.org,Ann,1,user,,0\n"
    expected = (
        "the member list line 1: the header names name, importId, roles, password, utcOffset,"
        f" columns of a users file, not of Slack's member list ({SLACK_HEADER}); " + USERS_FILE_PATH
    )
    assert refusal(SLACK, data) == expected  # at upload
    assert preparation_refusal(SLACK, data) == expected  # and before any row is staged


def test_a_users_csv_uploaded_to_the_slack_importer_changes_nothing(admin):
    before = status(admin)
    data = USERS_FILE_HEADER + b"ann,ann@example.org,Ann,1,user,,0\n" * 900  # past the head
    response = admin.client.post(
        "/api/v1/uploadImportFile?importerKey=slack-users&fileName=people.csv",
        headers={**admin.headers, "Content-Type": "text/csv"},
        data=data,
    )
    assert response.status_code == 400
    body = response.json
    assert body["errorType"] == "error-invalid-file"
    assert body["error"].startswith("the member list line 1: the header names name, importId")
    assert body["error"].endswith(" [error-invalid-file]")  # Rocket.Chat's shape, kept
    assert status(admin) == before


def test_a_slack_member_list_is_still_read():
    assert SLACK.check_head(importfiles.slack_csv(3)) is None
    assert SLACK.check_head(b"username,email\nann,ann@example.com\n") is None


# --- the command line -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            importfiles.users_zip(3),
            "the file is a zip: a zip holding users.csv goes to the server's csv importer,"
            " add --importer csv",
        ),
        (XLSX, f"the file is an Excel workbook (.xlsx), not CSV text: {EXPORT}"),
        (XLS, f"the file is an Excel 97-2003 workbook (.xls), not CSV text: {EXPORT}"),
    ],
    ids=["zip", "xlsx", "xls"],
)
def test_the_command_without_importer_says_where_a_zip_or_a_spreadsheet_goes(
    tmp_path, data, expected
):
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["--dry-run", str(path)])
    assert result.exit_code == 2
    assert result.output == f"error: {path}: {expected}; nothing was sent\n"


def test_an_api_refusal_reads_as_its_reason_with_the_code_apart():
    error = ApiError(
        "uploadImportFile", 400, "the file is not a zip [error-invalid-file]", "error-invalid-file"
    )
    assert error.reason == "the file is not a zip"
    assert str(error) == "the file is not a zip (uploadImportFile answered 400, error-invalid-file)"
