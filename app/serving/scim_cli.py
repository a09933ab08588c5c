"""`bulk-import-server scim-token create|list|revoke`: the SCIM door's bearer tokens, one per
identity provider, on MONGO_URL's database."""

import sys

import click

from app.services import scim_tokens


@click.group("scim-token")
def scim_token():
    """SCIM bearer tokens (one per identity provider) of MONGO_URL's database."""


@scim_token.command("create")
@click.argument("name")
@click.option(
    "--bypass-rate-limit",
    is_flag=True,
    help="Never rate limit this token, as Rocket.Chat spares callers holding"
    " api-bypass-rate-limit (an identity provider's bursts of a large assignment).",
)
def create(name, bypass_rate_limit):
    """Create a token for the identity provider NAME; print it once, on the last line."""
    from app.serving.cli import database_command

    with database_command("scim-token create") as db:
        try:
            token = scim_tokens.create(db, name, bypass_rate_limit)
        except scim_tokens.TokenError as error:
            _fail(str(error))
    # On the terminal only, never through logging: logs are kept and shipped.
    click.echo(f"SCIM token {name} (shown once; only its hash is kept):")
    click.echo(token)


@scim_token.command("list")
def listing():
    """List the tokens: name, created, last used, rate limit (never a token)."""
    from app.serving.cli import database_command

    with database_command("scim-token list") as db:
        tokens = scim_tokens.listing(db)
    if not tokens:
        click.echo("no SCIM token")
    for token in tokens:
        used = token.get("lastUsedAt")
        limit = "not rate limited" if token.get("bypassRateLimit") else "rate limited"
        click.echo(
            f"{token['_id']}\tcreated {token['createdAt']:%Y-%m-%d %H:%M} UTC\t"
            f"last used {f'{used:%Y-%m-%d %H:%M} UTC' if used else 'never'}\t{limit}"
        )


@scim_token.command("revoke")
@click.argument("name")
def revoke(name):
    """Revoke the token NAME at once: its identity provider's next call is refused."""
    from app.serving.cli import database_command

    with database_command("scim-token revoke") as db:
        try:
            scim_tokens.revoke(db, name)
        except scim_tokens.TokenError as error:
            _fail(str(error))
    click.echo(f"revoked the SCIM token {name}")


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
