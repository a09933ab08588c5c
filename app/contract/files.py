"""What a file of users must be, and what to tell a person whose file is something else.

The server's importers, the command-line reader and the console say it in these words, so
that the advice for a file is the same wherever it is refused.
"""

# Excel's way to the one encoding every reader takes.
SAVE_AS_UTF8 = (
    "save it as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)') and upload it again"
)
LATIN1_GUESS = "the file looks saved as Latin-1 or Windows-1252"

# How many leading bytes tell what a file is (the server's importers get as many at upload).
HEAD_BYTES = 4096
# The first bytes of what people send instead of CSV text, as Latin-1 text: the console
# compares its first bytes, read the same way, with these very strings.
ZIP_MAGIC = "PK\x03\x04"
XLS_MAGIC = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, an OLE2 compound file
# Names a spreadsheet's zip holds near its start, where a zip of CSV files has none.
XLSX_MARKS = ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/", "xl/styles.xml")
ODS_MARK = "mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
SPREADSHEETS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
}
EXPORT_AS_CSV = "export it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"

# The console's name for the path of a plain file of users (import.addUsers), and how to
# take it from either client.
USERS_FILE_IMPORTER = "Users file (CSV, JSON, JSON Lines)"
USERS_FILE_PATH = (
    "a CSV of users is imported as it is, without a file importer: in the console choose"
    f" the importer '{USERS_FILE_IMPORTER}'; with bulk-import-users leave out --importer"
)


def not_utf8(byte, column):
    """Return why a line is refused at a byte that is not UTF-8 (column from 1), with the fix."""
    return f"byte 0x{byte:02x} at column {column} is not UTF-8 ({LATIN1_GUESS}); {SAVE_AS_UTF8}"


def kind_of(head):
    """Return "xlsx", "xls", "ods" or "zip" for a file that starts with these bytes, else None."""
    text = head.decode("latin-1")
    if text.startswith(XLS_MAGIC):
        return "xls"
    if not text.startswith(ZIP_MAGIC):
        return None
    if ODS_MARK in text:
        return "ods"
    return "xlsx" if any(mark in text for mark in XLSX_MARKS) else "zip"


def spreadsheet(kind):
    """Return what to do with a spreadsheet of this kind (a key of SPREADSHEETS)."""
    return f"the file is {SPREADSHEETS[kind]}, not CSV text: {EXPORT_AS_CSV}"
