"""The `bulk-import-users` command line."""

import sys
from pathlib import Path

import click

from app.client import invite, output, report
from app.client.api import ApiError, RocketChat, Unreachable
from app.client.file_import import FileImporter
from app.client.importer import Importer, Refused, scan
from app.client.invite_command import invite_command
from app.client.login import FAILURES, OK, STOPPED, connection_options, log_in, log_out, stop
from app.client.progress import Progress
from app.client.sources import FORMATS, InputError, Source
from app.client.sync import Syncer
from app.client.sync import report as sync_report
from app.contract.rules import ADD_USERS_CHUNK


class _ImportOrInvite(click.Command):
    """The import command, which hands `bulk-import-users invite ...` to the invite command."""

    def main(self, args=None, **extra):
        """Run `invite` when it is the first argument, else the import."""
        args = sys.argv[1:] if args is None else list(args)
        if args[:1] == ["invite"]:
            extra.setdefault("prog_name", "bulk-import-users invite")
            return invite_command.main(args[1:], **extra)
        return super().main(args, **extra)


@click.command(
    cls=_ImportOrInvite,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 96},
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@connection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto: .json (array or JSON Lines), .jsonl, else CSV; a CSV whose first "
    "row is no header is Rocket.Chat's users.csv (username,email,name).",
)
@click.option(
    "--separator",
    default=";",
    show_default=True,
    help="Splits several emails, importIds or roles in one CSV cell.",
)
@click.option("--delimiter", default=",", show_default=True, help="The CSV column delimiter.")
@click.option(
    "--dry-run", is_flag=True, help="Check every record with import.addUsers' rules; send nothing."
)
@click.option(
    "--against",
    type=click.Path(exists=True, path_type=Path),
    help="With --dry-run: also report records whose email, username or import id a user "
    "of this Rocket.Chat backup holds (a mongodump folder, archive or tar, maybe gzipped).",
)
@click.option(
    "--db",
    "against_db",
    metavar="NAME",
    help="Which database of --against, when several look like Rocket.Chat's.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(1, 10_000),
    default=ADD_USERS_CHUNK,
    show_default=True,
    help="Users per import.addUsers call.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the error report (default: FILE's base name + .errors.csv, "
    "in the current directory).",
)
@click.option(
    "--report-format",
    type=click.Choice(report.FORMATS),
    help="Default: json for a .json report, else csv.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Start even if an import is running on the server (import.new stops it).",
)
@click.option(
    "--importer",
    "importer_key",
    metavar="KEY",
    help="Send FILE to this file importer of the server instead of import.addUsers: csv "
    "(a zip holding users.csv) or slack-users (Slack's member list CSV); --format, "
    "--separator, --delimiter and --chunk-size are then unused.",
)
@click.option(
    "--invite",
    "invite_after",
    is_flag=True,
    help="Once the import is done, mail each user it created (with an e-mail, never logged "
    "in) a link to set their password, and wait until the mails are sent "
    "(see `bulk-import-users invite --help`).",
)
@click.option(
    "--sync",
    "sync_mode",
    is_flag=True,
    help="The file is the whole directory: create, update (and with --deactivate-missing "
    "deactivate) users to match it; prints the plan first (with --dry-run: only the plan). "
    "--force also runs a plan over SYNC_MAX_DEACTIVATE_PERCENT. See docs/sync.md.",
)
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="With --sync: deactivate the imported users the file leaves out.",
)
@click.option(
    "--relinquish",
    is_flag=True,
    help="With --sync: a deactivated last owner of a room hands it over (else refused).",
)
@click.option(
    "--progress/--no-progress",
    "live",
    default=None,
    help="A live progress bar (default: only on a terminal; plain lines otherwise).",
)
def main(
    file,
    url,
    user_id,
    auth_token,
    username,
    password,
    fmt,
    separator,
    delimiter,
    dry_run,
    against,
    against_db,
    chunk_size,
    report_path,
    report_format,
    poll_interval,
    timeout,
    force,
    importer_key,
    invite_after,
    sync_mode,
    deactivate_missing,
    relinquish,
    live,
):
    """Import the users of FILE into Rocket.Chat (or this service) through its REST API.

    \b
    FILE is a CSV with a header row (username, email(s), importId(s), name, password,
    role(s), utcOffset, avatarUrl, deleted, statusText, type, bio: repeat a column or
    use --separator for several values), Rocket.Chat's header-less users.csv, a JSON
    array or JSON Lines, in UTF-8.

    \b
    It calls import.new, import.addUsers in chunks, import.run, then polls
    import.status until the import ends, and writes every user that was not created,
    with its line and the reason, to the error report.

    \b
    --dry-run checks each record offline with the validator and rules of
    import.addUsers; whether a role exists, and whether an email, username or import
    id is already taken, only the server can tell, unless --against names a backup
    of its database: then every collision with its users, or with an earlier line,
    is listed too.

    \b
    --importer KEY instead streams FILE to uploadImportFile, polls getImportFileData
    until the server has read it, imports every user it found with startImport, and
    watches and reports as above.

    \b
    --invite then asks the server to mail every user the import created a link to
    set their password on Rocket.Chat's reset-password page (import.invite).

    Exit status: 0 when every user was created (and, with --invite, mailed), 1 when
    some were not (or a dry run found problems), 2 when the import could not run.
    """
    if against and not dry_run:
        stop("--against works with --dry-run: it checks a file offline, sending nothing")
    if (deactivate_missing or relinquish) and not sync_mode:
        stop("--deactivate-missing and --relinquish work with --sync")
    if sync_mode and (importer_key or against or invite_after):
        stop("--sync sends the file with import.addUsers: not with --importer, --against, --invite")
    source = Source(file, fmt, separator, delimiter)
    report_path = report_path or Path(f"{file.stem}.errors.csv")
    if not report_path.absolute().parent.is_dir():
        stop(f"{report_path}: no such folder for the error report")
    writer = output.ReportFile(report_path, report.format_of(report_path, report_format))
    try:
        if importer_key:
            if dry_run:
                stop(
                    "--dry-run checks files for import.addUsers; with --importer the server "
                    "checks the file when it receives it"
                )

            def work(client, progress):
                importer = FileImporter(
                    client, progress, importer_key, poll_seconds=poll_interval, force=force
                )
                return importer.run(file)
        elif sync_mode:
            scanned = scan(source)
            options = {"deactivateMissing": deactivate_missing, "force": force}
            options["relinquish"] = relinquish

            def work(client, progress):
                syncer = Syncer(
                    client,
                    progress,
                    options=options,
                    dry_run=dry_run,
                    chunk_size=chunk_size,
                    poll_seconds=poll_interval,
                    force=force,
                )
                return syncer.run(source, scanned)
        else:
            collisions = _collisions(against, against_db) if against else None
            scanned = scan(source, collisions.see if collisions else None)
            if dry_run:
                if collisions:
                    read, failures = scanned
                    scanned = read, sorted(failures + collisions.found, key=_line)
                output.dry_run_summary(source, *scanned, writer, against=against)
                failed = scanned[1] or not scanned[0]
                sys.exit(STOPPED if writer.failed else FAILURES if failed else OK)

            def work(client, progress):
                importer = Importer(
                    client, progress, chunk_size=chunk_size, poll_seconds=poll_interval, force=force
                )
                return importer.run(source, scanned)

        client = RocketChat(url, timeout=timeout)
        log_in(client, user_id, auth_token, username, password)
        try:
            outcome = work(client, Progress(sys.stderr, live=live))
            invited = _invite(client, outcome, poll_interval) if invite_after else None
        finally:
            log_out(client)
    except InputError as error:
        stop(f"{file}: {error}; nothing was sent")
    except (ApiError, Unreachable, Refused) as error:
        stop(str(error))
    except KeyboardInterrupt:
        stop("interrupted; an import that was started goes on on the server (see import.status)")
    if sync_mode:
        sys.exit(_sync_status(outcome))
    output.import_summary(file, outcome, writer)
    if invited is not None:
        invite.summary(invited)
    status = STOPPED if writer.failed else _exit_status(outcome)
    sys.exit(FAILURES if status == OK and invited is not None and invited.failed else status)


def _sync_status(outcome):
    """Report a sync; 0 when it did all it planned (a dry run: unless over the limit)."""
    sync_report(outcome)
    if outcome.progress is None:
        return FAILURES if outcome.plan.get("overLimit") else OK
    return OK if outcome.complete else FAILURES if outcome.state == "done" else STOPPED


def _invite(client, outcome, poll_seconds):
    """Invite the people of the finished import; None when there is nobody to invite."""
    if outcome.state != "done" or not outcome.imported:
        click.echo("No invitations: the import created nobody.", err=True)
        return None
    inviter = invite.Inviter(client, poll_seconds=poll_seconds)
    try:
        return inviter.run(outcome.operation_id)
    except ApiError as error:  # the import is done all the same: say so, then why
        return invite.Invited(outcome.operation_id, error=str(error))


def _collisions(against, database):
    from app.client.against import AgainstError, Collisions

    try:
        return Collisions(against, database)
    except AgainstError as error:
        stop(f"--against: {error}; nothing was sent")


def _line(failure):
    return failure.line


def _exit_status(outcome):
    if outcome.complete:
        return OK
    return FAILURES if outcome.state in (None, "done") else STOPPED
