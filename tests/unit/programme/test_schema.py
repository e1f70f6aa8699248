"""The JSON Schemas accept the example files and reject what an editor can catch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from stampbook.programme import ProgrammeInvalid, load_programme
from stampbook.programme.declared import Declared
from stampbook.programme.schema import SCHEMA_DIR, render_schemas
from stampbook.programme.yamlsource import parse_yaml
from tests.support.paths import EXAMPLE, FIXTURE

from .broken_cases import CASES, Broken
from .conftest import edit

SCHEMA_FOR = {
    "program.yaml": "program.schema.json",
    "automations.yaml": "automations.schema.json",
}


def schema_name(file: str) -> str:
    return SCHEMA_FOR.get(file, "newsletter.schema.json")


def as_json(value: Any) -> Any:
    """YAML data as an editor's JSON view sees it (amounts are numbers)."""
    return json.loads(json.dumps(value, default=float))


def validators(campaigns: Path) -> dict[str, Draft202012Validator]:
    declared = Declared.from_programme_file(load_programme(campaigns).programme_file)
    return {
        name: Draft202012Validator(json.loads(text))
        for name, text in render_schemas(declared).items()
    }


def yaml_files(campaigns: Path) -> list[str]:
    files = ["program.yaml", "automations.yaml"]
    return files + [f"newsletters/{p.name}" for p in sorted((campaigns / "newsletters").iterdir())]


@pytest.mark.parametrize("campaigns_dir", [EXAMPLE, FIXTURE], ids=["example", "fixture"])
def test_schemas_accept_the_valid_files(campaigns_dir: Path) -> None:
    checks = validators(campaigns_dir)
    for file in yaml_files(campaigns_dir):
        data = parse_yaml((campaigns_dir / file).read_text("utf-8"), file).data
        errors = list(checks[schema_name(file)].iter_errors(as_json(data)))
        assert errors == [], f"{file}: {errors[0].message if errors else ''}"


def test_the_committed_schemas_are_up_to_date() -> None:
    declared = Declared.from_programme_file(load_programme(EXAMPLE).programme_file)
    for name, text in render_schemas(declared).items():
        committed = (EXAMPLE / SCHEMA_DIR / name).read_text("utf-8")
        assert committed == text, f"run `make schema`: {name} is stale"


def test_example_files_point_editors_at_their_schema() -> None:
    for file in yaml_files(EXAMPLE):
        first_line = (EXAMPLE / file).read_text("utf-8").splitlines()[0]
        schema = (EXAMPLE / file).parent / first_line.split("$schema=")[1]
        assert first_line.startswith("# yaml-language-server: $schema=")
        assert schema.resolve().name == schema_name(file)
        assert schema.is_file()


SCHEMA_CASES = [case for case in CASES if case.schema_rejects]


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[case.name for case in SCHEMA_CASES])
def test_schemas_reject_the_broken_corpus(campaigns: Path, case: Broken) -> None:
    checks = validators(FIXTURE)
    edit(campaigns, case.file, case.find, case.replace)
    for file, find, replace in case.also:
        edit(campaigns, file, find, replace)
    text = (campaigns / case.file).read_text("utf-8")
    try:
        document = parse_yaml(text, case.file)
    except ProgrammeInvalid:  # YAML an editor cannot parse is rejected before any schema
        return
    if document.problems:  # and so is a key written twice, by the editor's YAML parser
        return
    assert list(checks[schema_name(case.file)].iter_errors(as_json(document.data))), case.name


def test_most_of_the_corpus_is_caught_while_typing() -> None:
    # The rest (ordering, arithmetic, currency digits) only `stampbook check` can see.
    assert len(SCHEMA_CASES) >= 20
