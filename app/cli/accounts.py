"""``synclog user`` and ``synclog token``: accounts and personal access tokens."""

from __future__ import annotations

import sys

import click

from app.auth import service as auth_service
from app.auth.models import Register, TokenCreate
from app.cli.failures import open_existing_database
from app.core.principal import ALL_SCOPES
from app.core.settings import load_settings


@click.group()
def user() -> None:
    """Manage accounts."""


@user.command("create")
@click.option("--email", required=True, help="The new account's email.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
@click.option("--display-name", default="", help="Name shown in the app.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/Berlin.")
def user_create(email: str, password_stdin: bool, display_name: str, timezone: str) -> None:
    """Create an account."""
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    # Checked before the database is opened: a bad value makes nothing.
    body = Register(email=email, password=password, display_name=display_name, timezone=timezone)
    database = open_existing_database(load_settings())
    try:
        with database.write_transaction() as session:
            created = auth_service.register(session, body=body)
            click.echo(f"Created account {created.email} ({created.id}).")
    finally:
        database.dispose()


@user.command("list")
def user_list() -> None:
    """List accounts: email, display name, time zone, creation time."""
    database = open_existing_database(load_settings())
    try:
        with database.read_session() as session:
            for account in auth_service.list_users(session):
                created = account.created_at.isoformat()
                click.echo(f"{account.email}\t{account.display_name}\t{account.timezone}\t{created}")
    finally:
        database.dispose()


@click.group()
def token() -> None:
    """Manage personal access tokens."""


@token.command("create")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option("--name", required=True, help="The app's name; entries it creates record it as their source.")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(ALL_SCOPES), help="Repeat for each scope."
)
@click.option("--expires-in-days", type=click.IntRange(1, 3650), default=None, help="Expiry; none by default.")
def token_create(email: str, name: str, scopes: tuple[str, ...], expires_in_days: int | None) -> None:
    """Create a personal access token and print it once."""
    body = TokenCreate.model_validate({"name": name, "scopes": list(scopes), "expires_in_days": expires_in_days})
    database = open_existing_database(load_settings())
    try:
        with database.write_transaction() as session:
            _, secret = auth_service.create_token_for_email(session, email=email, body=body)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    click.echo(secret)
