"""HTTP routes for ``GET /export`` (streamed download) and ``POST /import`` (JSON export or CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.deps import CurrentPrincipal, DatabaseDep, RateLimitsDep, RequireScope, SettingsDep
from app.api.middleware.write_gate import in_write_slot
from app.api.openapi import schema_ref
from app.api.problems import problem_responses
from app.auth.models import Account
from app.core.database import utcnow
from app.core.errors import PayloadTooLarge
from app.core.timezones import zone
from app.exchange import formats, importing, service
from app.exchange.models import ExportDocument, ExportFormat, ImportDocument, ImportReport

router = APIRouter(tags=["export and import"])

Exporter = Annotated[Account, RequireScope("export")]
Importer = Annotated[
    Account, RequireScope("export", "entries:write", "goals:write", detail="Importing needs the {scope} scope.")
]
CSV_TYPES = ("text/csv", "application/csv", "text/plain")


async def read_import_body(request: Request, settings: SettingsDep) -> bytes:
    """The request body, refused with 413 once it passes ``SYNCLOG_MAX_IMPORT_BYTES``."""
    limit = settings.max_import_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"An import may be at most {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"An import may be at most {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


ImportBody = Annotated[bytes, Depends(read_import_body)]


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The whole account as a download",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ExportDocument"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
            },
            "headers": {
                "Content-Disposition": {
                    "description": '`attachment; filename="synclog-<local date>.<json|csv|md>"`',
                    "schema": {"type": "string"},
                }
            },
            "model": ExportDocument,
        },
        **problem_responses(401, 403, 422, 429),
    },
    summary="Download everything: JSON (complete, re-importable), CSV or a Markdown journal",
)
def export(
    user: Exporter,
    database: DatabaseDep,
    export_format: Annotated[ExportFormat, Query(alias="format")] = "json",
) -> StreamingResponse:
    """Everything in the account, streamed as a download named ``synclog-<date>.<ext>``.

    - ``json``: ``{format: "synclog-export", version: 1, exported_at, user, goals, pauses, entries}``, goals,
      pauses and entries (live ones) exactly as the API returns them; `POST /import` reads it back.
    - ``csv``: one row per entry; columns ``id, occurred_at, timezone, local_date, kind, intensity, inner,
      note, meaning, tags, people, goals, goal_ids, place, lat, lon, source, version, created_at, updated_at``,
      list items joined with ``"; "`` (``\\``, ``;`` and edge spaces escaped with ``\\``; ``goals`` holds titles),
      cells that start with ``=``, ``+``, ``-``, ``@``, tab, carriage return or ``'`` get a leading ``'``
      (import removes it), an empty-string ``place`` is ``'``.
    - ``markdown``: a journal grouped by local day, oldest first, goals named.

    Tokens need the ``export`` scope.
    """
    exported_at = utcnow()
    local_day = exported_at.astimezone(zone(user.timezone)).date()
    filename = f"synclog-{local_day.isoformat()}.{formats.EXTENSIONS[export_format]}"

    def chunks() -> Iterator[bytes]:
        # Its own read transaction: the request's session ends before the body streams.
        with service.snapshot(database) as session:
            for chunk in service.render_export(
                session, user=user, export_format=export_format, exported_at=exported_at
            ):
                yield chunk.encode()

    return StreamingResponse(
        chunks(),
        media_type=formats.MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/import",
    responses=problem_responses(400, 401, 403, 413, 422, 429),
    openapi_extra={
        # Not marked required, though a bodiless import is a 422: generators mistype a required body of two types.
        "requestBody": {
            "content": {
                "application/json": {"schema": schema_ref(ImportDocument)},
                "text/csv": {"schema": {"type": "string", "format": "binary", "description": "A CSV export"}},
            },
        }
    },
    summary="Import a JSON export or a CSV: idempotent by id, all or nothing",
)
async def import_(
    request: Request,
    body: ImportBody,
    user: Importer,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    rate_limits: RateLimitsDep,
) -> ImportReport:
    """Import a JSON export (``application/json``) or a CSV (``text/csv``) into the signed-in account.

    Idempotent by id: an id that is free or already yours is kept; one another account owns becomes
    UUIDv5(your user id, that id). Objects equal to what is stored are skipped, changed ones updated,
    deleted ones stay deleted (links to deleted goals are dropped). Each entry keeps the file's
    ``local_date`` (the date of ``occurred_at`` in its zone or the day before). With a token the file's
    ``user`` block is ignored (``settings: "skipped"``). A CSV needs ``occurred_at``; rows without ``id``
    get one derived from their content, and goals are matched by ``goal_ids`` or by title. An id that
    appears twice must carry the same values both times (else 422 ``duplicate_id``). All or nothing:
    a bad row answers 422 ``validation_error`` naming it (``entries[3]``, ``row 5``) and nothing is imported.
    Tokens need ``export``, ``entries:write`` and ``goals:write``. At most 10 imports per account an
    hour (429 ``rate_limited`` with ``Retry-After``). The whole file is parsed and checked before
    anything is written (in a process of its own, at the lowest CPU priority); then its entries are
    written in bulk (tens of thousands a second).
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    await run_in_threadpool(rate_limits.hit_import, user_id=user.id)
    # Parsed and checked in a slow-work process, with a read session of its own; only the write holds the slot.
    checked = await importing.check_file_in_slow_work(
        settings,
        user_id=user.id,
        source=principal.source,
        raw=body,
        is_csv=content_type in CSV_TYPES,
        settings_allowed=principal.token_id is None,
    )
    return await in_write_slot(
        request, importing.write_checked, user_id=user.id, source=principal.source, checked=checked
    )
