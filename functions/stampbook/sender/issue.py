"""A newsletter issue ready to send: compiled once per language, a message per person.

The issue is rendered once per locale (MJML runs once, under a lock shared
by the workers); each worker prepares its own `PreparedDraft` from that
draft, so per-person work never waits on another thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from ..mail.envelope import links_of, sender_of
from ..mail.message import Kind, Message, PreparedDraft, Recipient
from ..mail.reader import PERSONAL_SLOTS, Figures, Reader
from ..programme.newsletter import Newsletter
from ..store.sends import Claimed, SendStore

if TYPE_CHECKING:
    from ..config import MailSettings
    from ..loyalty.history import History
    from ..mail.render import Renderer
    from ..mail.tokens import Keyring
    from ..programme import Programme
    from ..programme.business import ProgrammeFile


class Statements(Protocol):
    """What an issue needs of the loyalty service: the reader's figures, and the clock."""

    @property
    def clock(self) -> Callable[[], datetime]: ...

    def statement_of(self, history: History) -> Figures: ...


@dataclass
class Issue:
    programme: Programme
    loyalty: Statements
    mail: MailSettings
    newsletter: Newsletter
    renderer: Renderer
    keyring: Keyring
    compiling: threading.Lock = field(default_factory=threading.Lock)
    _prepared: dict[str, PreparedDraft] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        programme: Programme,
        loyalty: Statements,
        mail: MailSettings,
        newsletter: Newsletter,
        keyring: Keyring,
    ) -> Issue:
        from ..mail.render import Renderer  # Jinja, MJML and Babel: only when sending

        return cls(programme, loyalty, mail, newsletter, Renderer(programme), keyring)

    def for_another_worker(self) -> Issue:
        """The same compiled drafts and lock; messages prepared apart."""
        return Issue(
            self.programme,
            self.loyalty,
            self.mail,
            self.newsletter,
            self.renderer,
            self.keyring,
            self.compiling,
        )

    @property
    def programme_file(self) -> ProgrammeFile:
        return self.programme.programme_file

    @cached_property
    def shows_points(self) -> bool:
        """Whether a message needs the reader's loyalty figures (a history read each)."""
        with self.compiling:
            draft = self.renderer.newsletter(self.newsletter, self.programme_file.locales.default)
        return bool(draft.slots() & (set(PERSONAL_SLOTS) - {"name"}))

    def message(self, reader: Reader, record: Claimed, eight_bit: bool = False) -> Message:
        """The reader's message; with 8bit parts if the transport takes them."""
        prepared = self._prepared.get(record.locale)
        if prepared is None:
            with self.compiling:
                draft = self.renderer.newsletter(self.newsletter, record.locale)
            programme_file = self.programme_file
            prepared = self._prepared[record.locale] = PreparedDraft(
                draft,
                sender_of(programme_file, record.locale),
                Kind.MARKETING,
                links_of(programme_file, self.mail, self.keyring, record.locale),
                clock=lambda: self.loyalty.clock().timestamp(),
            )
        values = self.renderer.personal_values(reader, record.locale)
        recipient = Recipient(reader.email, record.customer_id, reader.name, values)
        return prepared.message(recipient, eight_bit)

    def archived(self, store: SendStore) -> bool:
        return (
            store.web_version(self.newsletter.slug, self.programme_file.locales.default) is not None
        )

    def archive(self, store: SendStore) -> None:
        """Keep the web version of every language: no one's name, no one's figures."""
        from ..sitegen.archive import public_values

        site = self.programme_file.business.site_url.rstrip("/") + "/"
        for locale in self.programme_file.locales.available:
            with self.compiling:
                draft = self.renderer.web_version(self.newsletter, locale)
            values = public_values(self.renderer.words(locale), site)
            store.keep_web_version(
                self.newsletter.slug, locale, draft.fill_subject(values), draft.fill_html(values)
            )
