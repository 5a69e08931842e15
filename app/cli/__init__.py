"""The ``synclog`` command: serve, migrate, manage accounts and tokens, export, import, back up, demo."""

from __future__ import annotations

import logging.config
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click
import uvicorn
from sqlmodel import Session

from app.api.middleware.logs import log_config
from app.auth import service as auth_service
from app.auth.models import ALL_SCOPES, TokenCreate, User
from app.cli.backup import BackupError, backup_sqlite
from app.cli.demo import plan_demo as demo_plan
from app.cli.demo import write_demo
from app.core.database import open_database, utcnow
from app.core.errors import Conflict, ProblemError
from app.core.migrations import upgrade_to_head
from app.core.settings import load_settings
from app.exchange import service as exchange_service
from app.exchange.models import ExportFormat


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
    # The address shown to the user, not one bound to (bandit B104, ruff S104).
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104  # nosec
    logging.config.dictConfig(log_config(settings.log_format))
    say = logging.getLogger("synclog").info if settings.log_format == "json" else click.echo
    say(f"Synclog is serving on http://{shown_host}:{port}/  (API reference: /docs)")
    if accounts == 0:
        say("No accounts yet: open that address and choose 'Create account',")
        say("or run: synclog user create --email you@example.com --password-stdin")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        # On SIGTERM: stop accepting, let in-flight requests finish (their transactions commit), then exit.
        timeout_graceful_shutdown=30,
        log_config=log_config(settings.log_format),
        access_log=False,
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


class _Progress:
    """A progress bar on a terminal (standard error), silence when piped; sized on its first report."""

    def __init__(self, label: str, length: int | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.bar: Any = None
        self.done = 0
        if length is not None:
            self._open(length)

    def _open(self, length: int) -> None:
        if self.enabled and self.bar is None:
            self.bar = click.progressbar(length=max(length, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def report(self, done: int, total: int) -> None:
        self._open(total)
        if self.bar is not None:
            self.bar.length = max(self.bar.length, total)
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _account(session: Session, email: str) -> User:
    found = auth_service.find_user_by_email(session, email=email)
    if found is None:
        raise click.ClickException(f"No account with the email {email}.")
    return found


@main.command("export")
@click.option("--email", required=True, help="The account to export.")
@click.option(
    "--format", "export_format", type=click.Choice(["json", "csv", "markdown"]), default="json", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write; stdout if absent."
)
def export_command(email: str, export_format: ExportFormat, output: Path | None) -> None:
    """Export one account: JSON (complete, re-importable), CSV (one row per entry) or a Markdown journal."""
    database = open_database(load_settings())
    progress = _Progress("Exporting")
    try:
        with exchange_service.snapshot(database) as session:
            account = _account(session, email)
            if output is not None:
                progress = _Progress("Exporting", exchange_service.count_entries(session, user_id=account.id))
            chunks = exchange_service.render_export(
                session, user=account, export_format=export_format, exported_at=utcnow(), progress=progress.advance
            )
            if output is None:
                _write_all(sys.stdout, chunks)
            else:
                with output.open("w", encoding="utf-8", newline="") as target:
                    _write_all(target, chunks)
    finally:
        progress.close()
        database.dispose()
    if output is not None:
        click.echo(f"Wrote {output}.", err=True)


def _write_all(target: TextIO, chunks: Iterator[str]) -> None:
    for chunk in chunks:
        target.write(chunk)


@main.command("import")
@click.option("--email", required=True, help="The account to import into.")
@click.argument("file", type=click.File("rb"))
def import_command(email: str, file: BinaryIO) -> None:
    """Import a JSON export or a CSV into an account: idempotent by id, all or nothing."""
    raw = file.read()
    is_csv = file.name.lower().endswith(".csv") or exchange_service.looks_like_csv(raw)
    database = open_database(load_settings())
    progress = _Progress("Importing")
    try:
        with database.write_transaction() as session:
            account = _account(session, email)
            report = exchange_service.import_file(
                session, user=account, source="import", raw=raw, is_csv=is_csv, progress=progress.report
            )
    except ProblemError as exc:
        raise click.ClickException(f"Nothing was imported. {exc.detail}") from exc
    finally:
        progress.close()
        database.dispose()
    click.echo(f"Settings: {report.settings}.")
    for name, counts in (("Goals", report.goals), ("Entries", report.entries)):
        click.echo(f"{name}: {counts.created} created, {counts.updated} updated, {counts.skipped} skipped.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Copy the live SQLite database to FILE (online backup API) and check the copy (PRAGMA integrity_check).

    Restore: stop Synclog, replace the database file with the copy (remove any -wal and -shm files
    beside it), start Synclog. PostgreSQL is backed up with pg_dump.
    """
    settings = load_settings()
    progress = _Progress("Backing up", 1)
    try:
        result = backup_sqlite(settings.database_url, file, overwrite=force)
        progress.advance(1)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        progress.close()
    click.echo(f"Backed up to {result.path} ({result.size_bytes} bytes); PRAGMA integrity_check: ok.")


@main.command()
@click.option("--email", required=True, help="The account to fill; created when missing.")
@click.option("--password-stdin", is_flag=True, help="Password for a new account from standard input.")
@click.option("--timezone", default="Europe/Lisbon", show_default=True, help="Home time zone of a new account.")
@click.option("--seed", default=7, show_default=True, help="The same seed gives the same year.")
def demo(email: str, password_stdin: bool, timezone: str, seed: int) -> None:
    """Fill an account with a realistic year of synchronicities over several goals (running it again adds nothing)."""
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    try:
        with database.write_transaction() as session:
            account = auth_service.find_user_by_email(session, email=email)
            if account is None:
                password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
                account = auth_service.create_user(
                    session, email=email, password=password, display_name="Demo", timezone=timezone
                )
                click.echo(
                    f"Created account {account.email}" + ("." if password_stdin else f" with password {password}")
                )
            user_id, home = account.id, account.timezone
        plan = demo_plan(user_id=user_id, home_timezone=home, today=utcnow().date(), seed=seed)
        progress = _Progress("Writing a year", len(plan.entries))
        try:
            goals, entries = write_demo(database, user_id=user_id, plan=plan, progress=progress.advance)
        finally:
            progress.close()
    finally:
        database.dispose()
    click.echo(f"Demo data: {goals} goals and {entries} entries added for {email}.")
