"""`stampbook shops`: adding a shop's webhook secret, listing it without showing it, removing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.records.shops import shop_secret
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE

SECRET = "shpss_0123456789abcdef0123456789ab"


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "stampbook.db"))
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    return tmp_path


def run(*args: str, given: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=given)
    return result.exit_code, result.stdout + result.stderr


def test_a_shop_is_added_listed_without_its_secret_and_removed(desk: Path) -> None:
    code, said = run("shops", "add", "shopify", "web", "--secret", SECRET)
    assert code == 0
    assert "/shops/shopify/web" in said
    store = SqliteStore(desk / "stampbook.db")
    assert shop_secret(store.integration_key("shopify.web")).secret == SECRET
    store.close()
    code, listed = run("shops", "list")
    assert code == 0
    assert "shopify" in listed
    assert "…89ab" in listed
    assert SECRET not in listed
    assert "shopify.web" not in run("keys", "list")[1]  # not a till's key
    assert run("shops", "remove", "shopify", "web")[0] == 0
    assert "web" not in run("shops", "list")[1]
    code, said = run("shops", "remove", "shopify", "web")
    assert code == 1
    assert "no shopify shop web" in said


def test_the_secret_is_asked_for_without_echoing_it(desk: Path) -> None:
    code, said = run("shops", "add", "square", "kiosk", given=f"{SECRET}\n")
    assert code == 0
    assert SECRET not in said


def test_a_name_is_taken_once_and_must_fit_an_address(desk: Path) -> None:
    assert run("shops", "add", "woocommerce", "web", "--secret", SECRET)[0] == 0
    code, said = run("shops", "add", "woocommerce", "web", "--secret", SECRET)
    assert code == 1
    assert "added before" in said
    code, said = run("shops", "add", "woocommerce", "Web Shop", "--secret", SECRET)
    assert code == 2
    assert "lowercase" in said
    assert run("shops", "add", "woocommerce", "web2", "--secret", "short")[0] == 2
