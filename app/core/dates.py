"""Calendar dates in query strings and bodies: ISO 8601 ``YYYY-MM-DD`` only (pydantic alone also reads ``0``
as 1970-01-01)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date such as 2026-11-25")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
