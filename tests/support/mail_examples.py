"""A sender, keys, drafts and the templates' languages, shared by the mail tests, the browser
tests and the mail benchmark."""

from __future__ import annotations

from stampbook.mail.address import Mailbox
from stampbook.mail.draft import Draft, Slot
from stampbook.mail.links import SLOT_PURPOSES, Links
from stampbook.mail.message import Kind, ListId, PreparedDraft, Recipient, Sender
from stampbook.mail.render import BUILTIN_TEMPLATES
from stampbook.mail.tokens import Keyring, SigningKey

# Every language the built-in templates and their strings are written in.
LANGUAGES = tuple(sorted(path.stem for path in (BUILTIN_TEMPLATES / "locales").glob("*.yaml")))
NOW = 1_795_000_000.0  # 2026-11-18, a fixed clock for messages
KEYS = Keyring([SigningKey("k2", b"second key, newest" * 2), SigningKey("k1", b"first key" * 4)])
LINKS = Links(
    KEYS,
    site_url="https://coppercezve.example/",
    one_click_url="https://api.coppercezve.example/unsubscribe",
)
SENDER = Sender(
    Mailbox("news@coppercezve.example", "Медная турка"),
    reply_to=Mailbox("hello@coppercezve.example", "Copper Cezve"),
    list_id=ListId("Новости Медной турки", "news.coppercezve.example"),
    unsubscribe_mailbox="unsubscribe@coppercezve.example",
    return_path="bounces@coppercezve.example",
)

NEWSLETTER = Draft(
    subject=(Slot("first_name"), ", новый урожай из Эфиопии ☕"),
    preheader=("Зёрна недели и ваши баллы",),
    html=(
        "<!doctype html>\n<html><body>\n<p>Здравствуйте, ",
        Slot("first_name"),
        "!</p>\n<p>У вас ",
        Slot("points"),
        " баллов, уровень «",
        Slot("tier"),
        "».</p>\n",
        '<p><a href="',
        Slot("preferences_url"),
        '">Настройки</a> · <a href="',
        Slot("unsubscribe_url"),
        '">Отписаться</a></p>\n</body></html>\n',
    ),
    text=(
        "Здравствуйте, ",
        Slot("first_name"),
        "!\n\nУ вас ",
        Slot("points"),
        " баллов, уровень «",
        Slot("tier"),
        "».\n\nНастройки: ",
        Slot("preferences_url"),
        "\nОтписаться: ",
        Slot("unsubscribe_url"),
        "\n",
    ),
)

CONFIRMATION = Draft(
    subject=("Подтвердите подписку",),
    preheader=(),
    html=('<p><a href="', Slot("confirm_url"), '">Подтвердить</a></p>\n'),
    text=("Подтвердить: ", Slot("confirm_url"), "\n"),
)


def newsletter(draft: Draft = NEWSLETTER, sender: Sender = SENDER) -> PreparedDraft:
    return PreparedDraft(draft, sender, Kind.MARKETING, LINKS, clock=lambda: NOW)


def anna_values(**values: str) -> dict[str, str]:
    return {"first_name": "Анна", "points": "1 250", "tier": "Завсегдатай"} | values


def anna(**values: str) -> Recipient:
    return Recipient(
        "anna.petrova@example.com",
        "c0000042",
        "Анна Петрова",
        anna_values(**values),
    )


def signed_links(customer_id: str) -> dict[str, str]:
    """The links as the message builder must sign them at NOW: tokens are deterministic."""
    return {
        slot: LINKS.page(purpose)
        + KEYS.sign_until(purpose, customer_id, int(NOW) + LINKS.lifetime_seconds(purpose))
        for slot, purpose in SLOT_PURPOSES.items()
    }
