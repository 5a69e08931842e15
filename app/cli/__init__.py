"""The ``synclog`` command: serve, migrate, manage accounts and tokens, export, import, back up, demo, openapi.

One module a command group; this one gathers them under ``synclog``, behind one error boundary.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli import accounts, backup, demo, exchange, openapi, serve
from app.cli.failures import KNOWN_FAILURES, describe_failure


class SynclogGroup(click.Group):
    """Turns a known failure of any command into one line on standard error and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KNOWN_FAILURES as error:
            raise click.ClickException(describe_failure(error)) from error


@click.group(cls=SynclogGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Synclog: a synchronicity logger. Settings come from SYNCLOG_* environment variables."""


# Modules, not their commands, are imported here, so ``app.cli.demo`` stays the module (tests patch its clock).
for command in (
    serve.serve,
    serve.migrate,
    accounts.user,
    accounts.token,
    exchange.export_command,
    exchange.import_command,
    backup.backup,
    demo.demo,
    openapi.openapi_command,
):
    main.add_command(command)
