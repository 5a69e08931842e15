"""``synclog serve`` and ``synclog migrate``: the schema to head, then the API and the PWA."""

from __future__ import annotations

import logging.config
import socket

import click
import uvicorn

from app.api.middleware.logs import log_config
from app.auth import service as auth_service
from app.core.database import open_database
from app.core.migrations import upgrade_to_head
from app.core.settings import load_settings

# An idle kept-alive connection is closed after this long (uvicorn's default, said here).
KEEP_ALIVE_SECONDS = 5
WORKER_HEALTHCHECK_SECONDS = 30


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Migrate the database to the newest schema, then serve the API and the PWA."""
    settings = load_settings()
    _check_address(host, port)
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
        http="app.cli.http_protocol:BoundedHeadersProtocol",
        # X-Forwarded-For/-Proto are believed only from SYNCLOG_TRUSTED_PROXIES (none by default).
        proxy_headers=bool(settings.trusted_proxy_list),
        forwarded_allow_ips=settings.trusted_proxy_list,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # A worker still importing on a busy machine answers the supervisor late; 5 s took it for dead.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # On SIGTERM: stop accepting, let in-flight requests finish (their transactions commit), then exit.
        timeout_graceful_shutdown=30,
        log_config=log_config(settings.log_format),
        access_log=False,
    )


def _check_address(host: str, port: int) -> None:
    """Fail before announcing anything when the address cannot be listened on (taken, or not this machine's)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {error.strerror or error}.") from error


@click.command()
def migrate() -> None:
    """Upgrade the database schema to the newest migration (alembic upgrade head)."""
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    click.echo("The database schema is up to date.")
