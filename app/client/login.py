"""What every bulk-import-users command shares: the server's address, the login (a token,
or a username and password), the polling and the timeout; logging in and out."""

import sys

import click

from app.client.api import ApiError, Unreachable

OK, FAILURES, STOPPED = 0, 1, 2

_OPTIONS = (
    click.option(
        "--url",
        envvar="ROCKETCHAT_URL",
        default="http://127.0.0.1:3000",
        show_default=True,
        show_envvar=True,
        help="The server's address.",
    ),
    click.option(
        "--user-id",
        envvar="ROCKETCHAT_USER_ID",
        show_envvar=True,
        help="Log in with a user id and token (login or personal access token).",
    ),
    click.option("--auth-token", envvar="ROCKETCHAT_AUTH_TOKEN", show_envvar=True),
    click.option(
        "--username",
        envvar="ROCKETCHAT_USER",
        show_envvar=True,
        help="Or log in with a username (or email) and password.",
    ),
    click.option(
        "--password",
        envvar="ROCKETCHAT_PASSWORD",
        show_envvar=True,
        help="Prefer the variable (or the prompt): arguments show in `ps`.",
    ),
    click.option(
        "--poll-interval",
        type=click.FloatRange(min=0.01),
        default=1.0,
        show_default=True,
        help="Seconds between two import.status calls.",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=1),
        default=30.0,
        show_default=True,
        help="Seconds to wait for one answer.",
    ),
)


def connection_options(command):
    """Add the server, login, polling and timeout options to a command."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def log_in(client, user_id, auth_token, username, password):
    if user_id and auth_token:
        client.use_token(user_id, auth_token)
        who = client.me()
    elif username:
        if not password:
            if not sys.stdin.isatty():
                stop("give the password with ROCKETCHAT_PASSWORD or --password")
            password = click.prompt(f"Password for {username}", hide_input=True, err=True)
        who = client.login(username, password)
    else:
        stop("give --user-id and --auth-token, or --username (and a password)")
    click.echo(f"Logged in to {client.url} as {who.get('username') or who.get('_id')}.", err=True)


def log_out(client):
    # Drop the token our own login created; a failure here must not hide the outcome.
    try:
        client.logout()
    except (ApiError, Unreachable) as error:
        click.echo(f"warning: could not log out: {error}", err=True)


def stop(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(STOPPED)
