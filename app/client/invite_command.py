"""`bulk-import-users invite`: mail the people of an earlier import a set-password link."""

import sys

import click

from app.client import invite
from app.client.api import ApiError, RocketChat, Unreachable
from app.client.login import FAILURES, OK, connection_options, log_in, log_out, stop


@click.command(
    "invite", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 96}
)
@click.option(
    "--operation",
    "operation_id",
    metavar="ID",
    help="The import operation (getLatestImportOperations' _id); default: the latest done.",
)
@click.option(
    "--user",
    "usernames",
    multiple=True,
    metavar="USERNAME",
    help="Invite only this user of the operation (repeat the option for several).",
)
@click.option("--resend", is_flag=True, help="Mail those already invited again (with a new link).")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Wait until the server has sent every mail, then list the failures.",
)
@connection_options
def invite_command(operation_id, usernames, resend, wait, **connection):
    """Mail each user an import created a link to set their password (import.invite).

    \b
    The server queues one mail per user who has an e-mail address and never logged
    in, and its worker sends them through Rocket.Chat's SMTP settings: Rocket.Chat's
    forgot-password mail, whose link opens Rocket.Chat's own reset-password page.
    Users mailed already are skipped unless --resend.

    Exit status: 0 when every mail was sent, 1 when some failed, 2 when the
    invitations could not be queued.
    """
    client = RocketChat(connection["url"], timeout=connection["timeout"])
    inviter = invite.Inviter(client, poll_seconds=connection["poll_interval"], wait=wait)
    try:
        log_in(client, *(connection[k] for k in ("user_id", "auth_token", "username", "password")))
        try:
            outcome = inviter.run(operation_id, list(usernames) or None, resend)
        finally:
            log_out(client)
    except (ApiError, Unreachable) as error:
        stop(str(error))
    except KeyboardInterrupt:
        stop("interrupted; the server goes on sending (see import.invitations)")
    invite.summary(outcome)
    sys.exit(FAILURES if outcome.failed else OK)
