"""One-off emails to one customer: render, sign the links, send through the transport.

Marketing emails (the welcome) go only to confirmed addresses, checked here
at send time; transactional ones (the confirmation, a magic link) go to
whoever asked, whatever their marketing consent, unless the address is
suppressed (it bounced: nobody reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..audience.consent import ConsentStatus, current_status
from ..mail.reader import Occasion, Reader, reader_from_statement
from ..records.customers import Customer

# Emails the same for everyone they go to on one occasion, but for the
# personal values: a holiday greeting goes to every customer on the day.

if TYPE_CHECKING:
    from ..config import MailSettings
    from ..mail.draft import Draft
    from ..mail.message import PreparedDraft
    from ..mail.render import Renderer
    from ..mail.tokens import Keyring
    from ..mail.transports.base import Transport
    from ..programme import Programme
    from ..store.base import Store
    from .loyalty import LoyaltyService


@dataclass
class Mailer:
    programme: Programme
    store: Store
    loyalty: LoyaltyService
    mail: MailSettings
    # Made on first use: a request that sends nothing pays for neither.
    open_keyring: Callable[[], Keyring] = field(repr=False)
    open_transport: Callable[[], Transport] = field(repr=False)
    _transport: Transport | None = field(default=None, repr=False)
    # Greetings to many, ready to fill per reader: (email, locale, occasion).
    _greetings: dict[tuple[str, str, Occasion], PreparedDraft] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def renderer(self) -> Renderer:
        from ..mail.render import Renderer

        return Renderer(self.programme)

    @cached_property
    def keyring(self) -> Keyring:
        return self.open_keyring()

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = self.open_transport()
        return self._transport

    def _prepare(self, draft: Draft, marketing: bool, locale: str) -> PreparedDraft:
        from ..mail.envelope import links_of, sender_of
        from ..mail.message import Kind, PreparedDraft

        programme_file = self.programme.programme_file
        # Links expire by the app's clock, the one that will check them.
        return PreparedDraft(
            draft,
            sender_of(programme_file, locale),
            Kind.MARKETING if marketing else Kind.TRANSACTIONAL,
            links_of(programme_file, self.mail, self.keyring, locale),
            clock=lambda: self.loyalty.clock().timestamp(),
        )

    def locale_of(self, customer: Customer) -> str:
        locales = self.programme.programme_file.locales
        return customer.locale if customer.locale in locales.available else locales.default

    def reader(self, customer: Customer) -> Reader:
        """The customer with their points as of now, for emails that show them."""
        statement = self.loyalty.summary(customer.customer_id)
        return reader_from_statement(
            customer, statement, self.programme.programme_file, self.loyalty.clock()
        )

    def send(
        self,
        name: str,
        customer: Customer,
        reader: Reader | None = None,
        occasion: Occasion | None = None,
        order_id: str | None = None,
    ) -> bool:
        """Send email `name` to `customer`; False if their consent forbids it."""
        from ..mail.message import Recipient
        from ..mail.render import EMAILS, NOTHING_IN_PARTICULAR, REMEMBERED_OCCASIONS

        marketing = EMAILS[name].marketing
        status = current_status(self.store.consents(customer.customer_id))
        allowed = status is ConsentStatus.CONFIRMED or not marketing
        if status is ConsentStatus.SUPPRESSED or not allowed:
            return False
        locale = self.locale_of(customer)
        person = reader or Reader(customer.email, customer.name, locale)
        if EMAILS[name].compiled_once and occasion is not None:
            # The same for every reader but the slots: compiled and encoded once.
            key = (name, locale, occasion)
            prepared = self._greetings.get(key)
            if prepared is None:
                if len(self._greetings) >= REMEMBERED_OCCASIONS:
                    self._greetings.clear()
                draft = self.renderer.greeting(name, locale, occasion)
                prepared = self._greetings[key] = self._prepare(draft, marketing, locale)
        else:
            draft = self.renderer.email(name, locale, person, occasion or NOTHING_IN_PARTICULAR)
            prepared = self._prepare(draft, marketing, locale)
        values = self.renderer.personal_values(person, locale)
        recipient = Recipient(customer.email, customer.customer_id, customer.name, values, order_id)
        transport = self.transport
        transport.send(prepared.message(recipient, transport.accepts_8bit()))
        return True
