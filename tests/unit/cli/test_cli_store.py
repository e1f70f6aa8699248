"""`stampbook store init` sets up the database the environment names; `template` the table."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.bootstrap import open_store
from stampbook.cli.main import main
from stampbook.config import Settings
from stampbook.records.customers import Customer
from stampbook.store.dynamodb.table import table_definition
from tests.unit.cli.test_cli_loyalty import run


def test_init_creates_the_dynamodb_table_once(
    dynamodb_local: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = f"shop-{uuid.uuid4().hex}"
    monkeypatch.setenv("STAMPBOOK_STORE", "dynamodb")
    monkeypatch.setenv("STAMPBOOK_TABLE", table)
    monkeypatch.setenv("STAMPBOOK_DYNAMODB_ENDPOINT", dynamodb_local)
    assert run("store", "init")[:2] == (0, f"table {table} created ({dynamodb_local})\n")
    assert run("store", "init")[:2] == (0, f"table {table} already exists ({dynamodb_local})\n")
    store = open_store(Settings.from_env())
    anna = Customer("c1", "anna@example.com", datetime(2026, 3, 2, tzinfo=UTC))
    store.add_customer(anna)
    assert store.customer_by_email("anna@example.com") == anna
    store.close()


def test_init_on_sqlite_creates_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "data" / "shop.db"))
    code, out, _ = run("store", "init")
    assert code == 0
    assert (tmp_path / "data" / "shop.db").is_file()
    assert "shop.db" in out


def test_an_unknown_store_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAMPBOOK_STORE", "postgres")
    code, _, err = run("store", "init")
    assert code == 1
    assert "unknown store 'postgres'" in err


def test_the_template_declares_the_table_store_init_creates() -> None:
    result = CliRunner().invoke(main, ["store", "template", "--table", "shop"])
    table = json.loads(result.stdout)["Resources"]["StampbookTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    for name, value in table_definition("shop").items():
        assert table["Properties"][name] == value
