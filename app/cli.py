"""The ``synclog`` command: serve, migrate, and manage accounts and tokens."""

from __future__ import annotations

import sys

import click
import uvicorn

from app.auth import service as auth_service
from app.auth.models import ALL_SCOPES, TokenCreate
from app.database import open_database
from app.errors import Conflict
from app.schema import upgrade_to_head
from app.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Synclog: a synchronicity logger. Settings come from SYNCLOG_* environment variables."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Migrate the database to the newest schema, then serve the API and the PWA."""
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    with database.read_session() as session:
        accounts = auth_service.count_users(session)
    database.dispose()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - display only
    click.echo(f"Synclog is serving on http://{shown_host}:{port}/  (API reference: /docs)")
    if accounts == 0:
        click.echo("No accounts yet: open that address and choose 'Create account',")
        click.echo("or run: synclog user create --email you@example.com --password-stdin")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        timeout_graceful_shutdown=30,
        log_level="info",
    )


@main.command()
def migrate() -> None:
    """Upgrade the database schema to the newest migration (alembic upgrade head)."""
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    click.echo("The database schema is up to date.")


@main.group()
def user() -> None:
    """Manage accounts."""


@user.command("create")
@click.option("--email", required=True, help="The new account's email.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
@click.option("--display-name", default="", help="Name shown in the app.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/Berlin.")
def user_create(email: str, password_stdin: bool, display_name: str, timezone: str) -> None:
    """Create an account."""
    from app.auth.models import Register

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    try:
        body = Register(email=email, password=password, display_name=display_name, timezone=timezone)
    except ValueError as exc:
        raise click.ClickException(str(exc).splitlines()[-1] if str(exc) else "invalid account details") from exc
    database = open_database(load_settings())
    try:
        with database.write_transaction() as session:
            created = auth_service.register(session, body=body)
            click.echo(f"Created account {created.email} ({created.id}).")
    except Conflict as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        database.dispose()


@user.command("list")
def user_list() -> None:
    """List accounts: email, display name, time zone, creation time."""
    database = open_database(load_settings())
    with database.read_session() as session:
        for account in auth_service.list_users(session):
            click.echo(f"{account.email}\t{account.display_name}\t{account.timezone}\t{account.created_at.isoformat()}")
    database.dispose()


@main.group()
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
    database = open_database(load_settings())
    try:
        with database.write_transaction() as session:
            _, secret = auth_service.create_token_for_email(session, email=email, body=body)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    click.echo(secret)
