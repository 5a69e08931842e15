"""``synclog export`` and ``synclog import``: one account's data out as JSON, CSV or Markdown, and back in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Account
from app.cli.failures import open_existing_database
from app.cli.progress import Progress
from app.core.database import utcnow
from app.core.errors import ProblemError
from app.core.settings import load_settings
from app.exchange import importing
from app.exchange import service as exchange_service
from app.exchange.models import ExportFormat


def _account(session: Session, email: str) -> Account:
    found = auth_service.find_account_by_email(session, email=email)
    if found is None:
        raise click.ClickException(f"No account with the email {email}.")
    return found


@click.command("export")
@click.option("--email", required=True, help="The account to export.")
@click.option(
    "--format", "export_format", type=click.Choice(["json", "csv", "markdown"]), default="json", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write; stdout if absent."
)
def export_command(email: str, export_format: ExportFormat, output: Path | None) -> None:
    """Export one account: JSON (complete, re-importable), CSV (one row per entry) or a Markdown journal."""
    if output is not None and not output.parent.is_dir():
        raise click.ClickException(f"No folder {output.parent} to write the export in.")
    database = open_existing_database(load_settings())
    progress = Progress("Exporting")
    try:
        with exchange_service.snapshot(database) as session:
            account = _account(session, email)
            if output is not None:
                progress = Progress("Exporting", exchange_service.count_entries(session, user_id=account.id))
            chunks = exchange_service.render_export(
                session, user=account, export_format=export_format, exported_at=utcnow(), progress=progress.advance
            )
            if output is None:
                _write_all(sys.stdout, chunks)
            else:
                _write_file(output, chunks)
    finally:
        progress.close()
        database.dispose()
    if output is not None:
        click.echo(f"Wrote {output}.", err=True)


def _write_all(target: TextIO, chunks: Iterator[str]) -> None:
    for chunk in chunks:
        target.write(chunk)


def _write_file(output: Path, chunks: Iterator[str]) -> None:
    """Written beside ``output`` and renamed when complete: a failed export leaves no partial file."""
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as target:
            _write_all(target, chunks)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


@click.command("import")
@click.option("--email", required=True, help="The account to import into.")
# Read here, not by click: an unreadable file is then one line and exit status 1, like every other failure.
@click.argument("file", type=click.Path(allow_dash=True, path_type=Path))
def import_command(email: str, file: Path) -> None:
    """Import a JSON export or a CSV (FILE, or - for stdin) into an account: idempotent by id, all or nothing."""
    raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    is_csv = file.name.lower().endswith(".csv") or importing.looks_like_csv(raw)
    database = open_existing_database(load_settings())
    progress = Progress("Importing")
    try:
        with database.write_transaction() as session:
            account = _account(session, email)
            report = importing.import_file(
                session, user=account, source="import", raw=raw, is_csv=is_csv, progress=progress.report
            )
    except ProblemError as exc:
        raise click.ClickException(f"Nothing was imported. {exc.detail}") from exc
    finally:
        progress.close()
        database.dispose()
    click.echo(f"Settings: {report.settings}.")
    for name, counts in (("Goals", report.goals), ("Pauses", report.pauses), ("Entries", report.entries)):
        click.echo(f"{name}: {counts.created} created, {counts.updated} updated, {counts.skipped} skipped.")
