"""The ``synclog`` command: serve, migrate, manage accounts and tokens, export, import, back up, demo.

One module a command group; this one gathers them under ``synclog``, behind one error boundary.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli.accounts import token, user
from app.cli.backup import backup
from app.cli.demo import demo
from app.cli.exchange import export_command, import_command
from app.cli.failures import KNOWN_FAILURES, describe_failure
from app.cli.serve import migrate, serve


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


for command in (serve, migrate, user, token, export_command, import_command, backup, demo):
    main.add_command(command)
