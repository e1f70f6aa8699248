"""The owner's YAML is read with YAML 1.2 core rules, money as Decimal, and positions kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stampbook.programme import ProgrammeInvalid
from stampbook.programme.yamlsource import Position, parse_yaml


def test_words_that_yaml_1_1_turns_into_booleans_stay_words() -> None:
    data = parse_yaml("a: no\nb: on\nc: yes\nd: off\ne: true\nf: FALSE\n", "x.yaml").data
    assert data == {"a": "no", "b": "on", "c": "yes", "d": "off", "e": True, "f": False}


def test_clock_times_are_not_sexagesimal_numbers() -> None:
    assert parse_yaml("opens: 10:30\n", "x.yaml").data == {"opens": "10:30"}


def test_amounts_with_fractions_are_decimals_not_floats() -> None:
    data = parse_yaml("value: 25.50\ncount: 20_000\nrate: .5\n", "x.yaml").data
    assert data == {"value": Decimal("25.50"), "count": 20000, "rate": Decimal("0.5")}
    assert isinstance(data["value"], Decimal)


def test_quoted_numbers_and_dates_stay_text() -> None:
    data = parse_yaml('a: "12"\nb: 2026-12-01\nc: ~\n', "x.yaml").data
    assert data == {"a": "12", "b": "2026-12-01", "c": None}


def test_positions_of_keys_and_values_are_one_based() -> None:
    document = parse_yaml("top:\n  items:\n    - name: one\n", "x.yaml")
    assert document.source.keys[("top", "items")] == Position(2, 3)
    assert document.source.values[("top", "items", 0, "name")] == Position(3, 13)
    # An item that does not exist is located at its list.
    assert document.source.value_at(("top", "items", 5)) == Position(3, 5)


def test_duplicate_keys_are_errors_because_yaml_would_keep_only_the_last() -> None:
    document = parse_yaml("points: 5\nper: 100\npoints: 6\n", "program.yaml")
    # The file stays readable, with the first value, so the rest is still checked.
    assert document.data == {"points": 5, "per": 100}
    (problem,) = document.problems
    assert str(problem) == (
        "program.yaml:3:1: points: duplicate key 'points' (first at line 1)\n"
        "    hint: keep one of them; YAML would silently use only the last one"
    )


def test_aliases_are_expanded_and_merge_keys_are_refused() -> None:
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "x.yaml").data == {"a": [1, 2], "b": [1, 2]}
    with pytest.raises(ProgrammeInvalid) as failure:
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "x.yaml")
    assert failure.value.problems[0].message.startswith("a key must be a plain word")
