"""A currency as the business uses it: whole drams in every email, page and input.

The florist (tests/support/florist) takes cash in whole drams and writes the
dram sign in both its languages; CLDR alone would write `12 500,00 AMD` in
Russian. Its programme passes `check`, its emails and site say amounts its
way, and an amount with luma is refused where it is written.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.mail.locale import Formatter
from stampbook.mail.reader import Occasion
from stampbook.mail.render import EMAILS, Renderer
from stampbook.programme import ProgrammeInvalid, load_programme
from stampbook.sitegen.build import build_site
from tests.support.paths import FLORIST, SITE_CONFIG
from tests.unit.mail.conftest import OCCASION, anna, shown

from .conftest import edit

LUMA = (",00\u00a0֏", ",00 ֏", ".00", "AMD")  # what CLDR alone would write


@pytest.mark.parametrize(
    ("locale", "written"),
    [("hy", "12 500 ֏"), ("ru", "12 500 ֏"), ("bg", "12 500 ֏"), ("en", "֏12,500")],
)
def test_whole_drams_with_the_owners_sign_in_every_language(locale: str, written: str) -> None:
    formatter = Formatter(locale, "AMD", decimals=0, sign="֏")
    assert formatter.money(Decimal(12500)).replace("\u00a0", " ").replace("\u202f", " ") == written


def test_without_the_owners_way_cldr_decides() -> None:
    assert Formatter("ru", "AMD").money(Decimal(12500)).replace("\u00a0", " ") == "12 500,00 AMD"
    assert Formatter("ru", "RUB", decimals=None).money(Decimal("1.5")) == "1,50\u00a0₽"


def test_the_florist_passes_check_in_whole_drams() -> None:
    programme = load_programme(FLORIST)
    assert programme.programme_file.decimals == 0
    assert programme.programme_file.currency == "AMD"


def test_luma_in_the_yaml_is_refused_where_it_is_written(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FLORIST, campaigns)
    edit(campaigns, "program.yaml", "      value: 5000\n", "      value: 5000.50\n")
    with pytest.raises(ProgrammeInvalid) as refused:
        load_programme(campaigns)
    [problem] = refused.value.problems
    assert problem.where.endswith("campaigns/program.yaml:65:14")
    assert problem.message == "5000.50 has more decimals than AMD allows (0)"
    assert problem.hint == "use a whole amount"


@pytest.mark.parametrize("locale", ["hy", "ru"])
@pytest.mark.parametrize("name", sorted(EMAILS))
def test_every_email_of_the_florist_says_drams_its_way(name: str, locale: str) -> None:
    renderer = Renderer(load_programme(FLORIST))
    occasion = Occasion(greeting="womens-day") if name == "holiday" else OCCASION
    draft = renderer.email(name, locale, anna(locale=locale), occasion)
    text = shown(draft.text)
    assert not [luma for luma in LUMA if luma in text]
    if name == "certificate_issued":
        assert "2\u00a0500\u00a0֏" in text  # the occasion's certificate, in whole drams


def test_the_florists_site_says_drams_its_way(tmp_path: Path) -> None:
    built = build_site(SITE_CONFIG, FLORIST, site_dir=tmp_path / "site")
    assert [each.locale for each in built] == ["hy", "ru"]
    terms = (tmp_path / "site" / "ru" / "terms" / "index.html").read_text("utf-8")
    assert "12\u00a0500\u00a0֏" in terms  # the worked example
    assert not [luma for luma in LUMA if luma in terms]
