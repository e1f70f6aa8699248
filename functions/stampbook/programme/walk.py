"""Visit every value inside a loaded model, with its key path and field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .problems import KeyPath


def walk(
    value: Any, path: KeyPath = (), field: FieldInfo | None = None
) -> Iterator[tuple[KeyPath, Any, FieldInfo | None]]:
    yield path, value, field
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from walk(getattr(value, name), (*path, name), info)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index), None)
