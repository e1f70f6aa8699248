"""SMTP: STARTTLS or implicit TLS, AUTH, one connection kept open between messages.

Replies map to the package's errors: 4xx is transient (greylisting, a full
queue), 5xx permanent (no such user, message refused). A connection the
server dropped is opened again once before the message counts as failed.

8bit parts go only to a server whose EHLO answer announced 8BITMIME (RFC
6152), with BODY=8BITMIME in the MAIL command; any other gets 7-bit parts.
The sender asks before making each message, and the answer is the open
connection's (or the last one's; the first question opens one). A message
made 8bit that meets a connection opened since to a server without it is
refused for now, and made again 7-bit when it is tried later.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from dataclasses import dataclass, field
from typing import Literal

from ..message import Message
from .base import Accepted, DeliveryError, PermanentError, TransientError

Security = Literal["starttls", "tls", "none"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: Security = "starttls"  # "tls" is implicit TLS (usually port 465)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0


class SmtpTransport:
    def __init__(self, settings: SmtpSettings, tls: ssl.SSLContext | None = None) -> None:
        self._settings = settings
        self._tls = tls or ssl.create_default_context()
        self._connection: smtplib.SMTP | None = None
        self._eight_bit: bool | None = None  # what the last server announced

    def accepts_8bit(self) -> bool:
        if self._connection is None and self._eight_bit is None:
            try:
                self._connect()
            except DeliveryError:
                return False  # `send` will try again, and say why it cannot
        if self._connection is not None:
            self._eight_bit = bool(self._connection.has_extn("8bitmime"))
        return bool(self._eight_bit)

    def send(self, message: Message) -> Accepted:
        try:
            return self._send(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
        try:
            return self._send(message)  # once more, on a fresh connection
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise TransientError(f"connection to {self._settings.host} lost: {error}") from error

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def _send(self, message: Message) -> Accepted:
        connection = self._connect()
        options: tuple[str, ...] = ()
        if message.eight_bit:
            if not connection.has_extn("8bitmime"):
                self._eight_bit = False
                raise TransientError(f"{self._settings.host} does not take 8bit now")
            options = ("BODY=8BITMIME",)
        try:
            _expect(connection.mail(message.sender, options), 250)
            _expect(connection.rcpt(message.to), 250, 251)
            code, reply = connection.data(message.data)
            _expect((code, reply), 250)
        except smtplib.SMTPResponseException as refused:  # raised by data() before the body
            self._reset(connection, refused.smtp_code)
            raise _error(refused.smtp_code, refused.smtp_error) from None
        except DeliveryError as error:
            self._reset(connection, int(error.code or 0))
            raise
        return Accepted(message.message_id, reply.decode(errors="replace"))

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        settings = self._settings
        where = f"{settings.host}:{settings.port}"
        try:
            connection = self._open()
            if settings.username is not None:
                _login(connection, settings.username, settings.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise PermanentError(
                f"login to {settings.host} refused", str(error.smtp_code)
            ) from error
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentError(f"{where} does not offer {error}") from error
        except ssl.SSLCertVerificationError as error:
            raise PermanentError(f"{where}: certificate not trusted: {error}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(
                f"cannot reach {settings.host}:{settings.port}: {error}"
            ) from error
        self._connection = connection
        return connection

    def _open(self) -> smtplib.SMTP:
        settings = self._settings
        if settings.security == "tls":
            return smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=self._tls
            )
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            connection.starttls(context=self._tls)
        # `mail()` does not greet by itself; without a login nothing else has.
        connection.ehlo_or_helo_if_needed()
        return connection

    def _reset(self, connection: smtplib.SMTP, code: int) -> None:
        """Abandon the failed transaction so the next message starts clean."""
        if code == 421:  # the server is closing the connection
            self.close()
            return
        try:
            connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


def _login(connection: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        connection.login(username, password)
        return
    # smtplib sends only ASCII credentials; AUTH PLAIN is UTF-8 (RFC 4616).
    connection.ehlo_or_helo_if_needed()
    secret = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
    code, reply = connection.docmd("AUTH", f"PLAIN {secret}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _expect(reply: tuple[int, bytes], *good: int) -> None:
    code, text = reply
    if code not in good:
        raise _error(code, text)


def _error(code: int, text: bytes | str) -> DeliveryError:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else text
    if 400 <= code < 500:
        return TransientError(reason, str(code))
    return PermanentError(reason, str(code))
