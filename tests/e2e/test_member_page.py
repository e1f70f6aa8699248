"""Anna's own page, from the link in her emails, in a real Chromium: the example's story
(`make demo`) on the evening it tells, in Russian on a phone and English on a desktop."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from stampbook.mail.tokens import Purpose, local_keyring
from stampbook.sitegen.build import build_site
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE, SITE_CONFIG
from tests.support.processes import free_port, this_package
from tests.support.story import EVENING, tell_the_story

from .conftest import ARTIFACTS, LocalPage
from .test_product_flows import _wait_for
from .test_site_pages import AXE

SHOTS = ARTIFACTS / "member"
NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass(frozen=True)
class Shop:
    origin: str
    link: str  # Anna's points page, signed as her emails sign it (the path after the locale)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    folder = tmp_path_factory.mktemp("member")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = {
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(folder / "shop.db"),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(folder / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(folder / "signing-keys"),
        "STAMPBOOK_NOW": EVENING,
        "STAMPBOOK_SITE_URL": f"{origin}/",
    }
    with pytest.MonkeyPatch.context() as env:
        for name, value in settings.items():
            env.setenv(name, value)
        build_site(SITE_CONFIG, api_url="/api/", site_dir=folder / "site")
        tell_the_story()
    store = SqliteStore(folder / "shop.db")
    anna = store.customer_by_email("anna.petrova@example.com")
    store.close()
    assert anna is not None
    token = local_keyring(folder / "signing-keys").sign(Purpose.POINTS, anna.customer_id, _now())
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stampbook",
            "serve",
            "--port",
            str(port),
            "--site",
            str(folder / "site"),
        ],
        env={**os.environ, **this_package(), **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{origin}/api/health", server)
        yield Shop(origin, f"points/?t={token}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _now() -> datetime:
    return datetime.fromisoformat(EVENING)


LANGUAGES = [
    (
        "",
        375,
        {
            "balance": f"1{NBSP}636 баллов",
            "tier": "Ваш уровень: Завсегдатай",
            "next_tier": f"До уровня «Знаток» осталось потратить 18{NBSP}920,00{NBSP}₽",
        },
        f"2{NBSP}500,00{NBSP}₽",
        "Покупка",
    ),
    (
        "en/",
        1280,
        {
            "balance": "1,636 points",
            "tier": "Your tier: Regular",
            "next_tier": f"Spend RUB{NBSP}18,920.00 more to reach Connoisseur",
        },
        f"RUB{NBSP}2,500.00",
        "Purchase",
    ),
]


@pytest.mark.parametrize(("locale", "width", "said", "certificate", "bought"), LANGUAGES)
@pytest.mark.node  # axe-core comes from node_modules
def test_annas_page_shows_her_points_tier_certificate_rewards_and_history(
    shop: Shop,
    open_page: Callable[[int], LocalPage],
    locale: str,
    width: int,
    said: dict[str, str],
    certificate: str,
    bought: str,
) -> None:
    local = open_page(width)
    page = local.page
    page.goto(f"{shop.origin}/{locale}{shop.link}")
    member = page.locator('[data-sb-result="points"]')
    member.locator('[data-sb-shown="balance"]').wait_for(timeout=10_000)
    for key, text in said.items():
        assert member.locator(f'[data-sb-shown="{key}"]').inner_text() == text
    progress = float(member.locator("progress").get_attribute("value") or 0)
    assert 0 < progress < 1  # 21 080 of 40 000 ₽
    card = member.locator(".sb-card")
    assert card.locator(".sb-card__value").inner_text() == certificate
    until = card.locator(".sb-card__until").inner_text()
    assert until.endswith(f"2027{NNBSP}г.") if not locale else until.endswith("2027")
    assert member.locator('[data-sb-list="rewards"] li').count() >= 1
    rows = member.locator('[data-sb-list="history"] tbody tr')
    assert rows.count() >= 1
    assert bought in member.locator('[data-sb-list="history"]').inner_text()
    code = member.locator('[data-sb-shown="card_code"]').inner_text()
    assert code
    assert member.locator(".sb-card-qr svg").is_visible()
    invite = member.locator('[data-sb-shown="referral_url"]').input_value()
    assert invite.endswith(f"signup/?ref={code}")
    # Her settings link comes by email, to her address.
    settings = page.locator('form[data-sb-form="settings-request"]')
    settings.locator("button[type=submit]").click()
    settings.locator(".sb-status--done").wait_for(timeout=10_000)
    # Nothing left over from asking for a link: no intro, no stray button.
    assert not page.locator("[data-sb-intro]").is_visible()
    assert not page.locator('form[data-sb-form="points-view"] button').is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"anna.{locale.strip('/') or 'ru'}.{width}.png", full_page=True)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))"""
    )
    assert violations == []
    assert local.refused == []
