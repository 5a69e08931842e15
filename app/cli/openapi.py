"""``synclog openapi``: the OpenAPI document of this version, as ``/openapi.json`` serves it, for client generators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from app.core.settings import Settings


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, as ``/openapi.json`` serves it."""
    from app.main import create_app  # the whole app, only for this

    # An in-memory database: the document depends on no setting, and nothing is opened or written.
    return create_app(Settings(database_url="sqlite://")).openapi()


def write_document(output: Path | None) -> None:
    """Write the document to ``output`` (its folders made), or to stdout when ``None``."""
    text = json.dumps(openapi_document(), indent=1, sort_keys=True) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)


@click.command("openapi")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (default: stdout)."
)
def openapi_command(output: Path | None) -> None:
    """Print the OpenAPI document of the API (no server or database needed)."""
    write_document(output)
