"""Numbers in request bodies are JSON numbers: ``true`` is not 1 (pydantic's lax mode would read it so)."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel


def _number_types(annotation: Any) -> set[type]:
    if get_origin(annotation) in (Union, types.UnionType):
        return set().union(*(_number_types(member) for member in get_args(annotation)))
    return {annotation} if annotation in (int, float, bool) else set()


def reject_booleans_as_numbers(model: type[BaseModel], data: Any) -> Any:
    """For a ``mode="before"`` model validator: refuse ``true``/``false`` where a field wants a number."""
    if isinstance(data, dict):
        for name, field in model.model_fields.items():
            value = data.get(field.alias or name)
            kinds = _number_types(field.annotation)
            if isinstance(value, bool) and kinds and bool not in kinds:
                raise ValueError(f"{field.alias or name} must be a number, not {str(value).lower()}")
    return data
