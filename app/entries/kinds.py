"""The kinds of synchronicity and the one wording the product shows for each.

``KIND_LABELS`` is in the order the PWA offers them. The PWA's ``web/js/kinds.js`` is generated
from it (``tests/web/test_kinds.py`` checks it; ``SYNCLOG_UPDATE_GOLDEN=1`` rewrites it), so the
screens and the Markdown export use the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

KIND_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "other": "Other",
        "thought_then_met": "Thought of them, then met",
        "shared_date": "Shared date",
        "shared_interest": "Shared interest",
        "number": "Number",
        "name_or_word": "Name or word",
        "dream": "Dream",
        "overheard": "Overheard",
        "symbol": "Symbol",
        "timing": "Timing",
    }
)


def kind_label(kind: str) -> str:
    """The label of a kind (e.g. ``"Shared date"``); an unknown kind is shown as it is."""
    return KIND_LABELS.get(kind, kind)
