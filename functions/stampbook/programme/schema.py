"""JSON Schema for the owner's files, so editors autocomplete and underline mistakes.

The schema is made for one programme: references (`reward: ...`, tiers,
locales, interests, categories) become the list of ids that programme
declares, and per-language texts require exactly its languages. It cannot
express everything `stampbook check` does (overlapping tiers, money with too
many decimals); it catches what an editor can show while typing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .automations import Automations
from .business import ProgrammeFile
from .declared import Declared
from .languages import languages_with_words
from .newsletter import Newsletter

SCHEMA_DIR = "schemas"
SCHEMAS: dict[str, type[BaseModel]] = {
    "program.schema.json": ProgrammeFile,
    "automations.schema.json": Automations,
    "newsletter.schema.json": Newsletter,
}


def _specialise(node: Any, declared: Declared | None) -> Any:
    if isinstance(node, list):
        return [_specialise(item, declared) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _specialise(value, declared) for key, value in node.items()}
    node.pop("x-stampbook-money", None)
    ref = node.pop("x-stampbook-ref", None)
    if ref and declared is not None:
        node["enum"] = list(declared.of_kind(ref))
    marker = node.pop("x-stampbook", None)
    if marker == "audience":  # `audience: all` is a shorthand for no filter
        return {"anyOf": [{"const": "all"}, node]}
    if marker == "language":
        node["enum"] = sorted(languages_with_words())
    if marker == "localized-text" and declared is not None:
        locales = list(declared.locales)
        per_locale = node["anyOf"][1]
        per_locale["properties"] = {loc: {"type": "string", "minLength": 1} for loc in locales}
        per_locale["required"] = locales
        per_locale["additionalProperties"] = False
    return node


def build_schema(model: type[BaseModel], declared: Declared | None) -> dict[str, Any]:
    """The JSON Schema of `model`; with `declared`, tailored to one programme."""
    schema = model.model_json_schema(mode="validation")
    schema = _specialise(schema, declared)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return dict(schema)


def render_schemas(declared: Declared | None) -> dict[str, str]:
    """File name -> JSON text, for every file kind in `campaigns/`."""
    return {
        name: json.dumps(build_schema(model, declared), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMAS.items()
    }


def write_schemas(folder: Path, declared: Declared | None) -> list[Path]:
    """Write the schemas into `folder`; return the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in render_schemas(declared).items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
