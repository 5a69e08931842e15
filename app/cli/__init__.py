"""The ``synclog`` command: serve, migrate, manage accounts and tokens, export, import, back up, demo.

One module a command group; this one only gathers them under ``synclog``.
"""

from __future__ import annotations

import click

from app.cli.accounts import token, user
from app.cli.backup import backup
from app.cli.demo import demo
from app.cli.exchange import export_command, import_command
from app.cli.serve import migrate, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Synclog: a synchronicity logger. Settings come from SYNCLOG_* environment variables."""


for command in (serve, migrate, user, token, export_command, import_command, backup, demo):
    main.add_command(command)
