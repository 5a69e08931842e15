"""Numbers in request bodies are JSON numbers: ``true`` is not 1 (pydantic's lax mode would read it so)."""

from __future__ import annotations

import types
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel


def _number_types(annotation: Any) -> set[type]:
    if get_origin(annotation) in (Union, types.UnionType):
        return set().union(*(_number_types(member) for member in get_args(annotation)))
    return {annotation} if annotation in (int, float, bool) else set()


@cache
def _number_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of ``model``'s fields that take a number and not a boolean (worked out once per model:
    walking the annotations for every body cost an import of 100 000 entries seconds)."""
    keys = []
    for name, field in model.model_fields.items():
        kinds = _number_types(field.annotation)
        if kinds and bool not in kinds:
            keys.append(field.alias or name)
    return tuple(keys)


def reject_booleans_as_numbers(model: type[BaseModel], data: Any) -> Any:
    """For a ``mode="before"`` model validator: refuse ``true``/``false`` where a field wants a number."""
    if isinstance(data, dict):
        for key in _number_fields(model):
            value = data.get(key)
            if isinstance(value, bool):
                raise ValueError(f"{key} must be a number, not {str(value).lower()}")
    return data
