"""Sending through the SES v2 API, against the emulator (npm aws-ses-v2-local) on 127.0.0.1.

The emulator parses raw content with mailparser and keeps From, Reply-To,
To, Subject and both bodies, but drops every other header (it never stores
the raw bytes). So an independent parser confirms what it keeps, and the
request itself, captured as botocore sends it, shows that the raw bytes with
all our headers are what SES receives.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any

import pytest

from stampbook.bootstrap import open_transport
from stampbook.config import MailSettings, Settings
from stampbook.mail.message import Message
from stampbook.mail.transports.base import PermanentError, TransientError
from stampbook.mail.transports.ses import SesSettings, SesTransport, classify, ses_client
from tests.support.mail_examples import NEWSLETTER, anna, anna_values, newsletter, signed_links
from tests.support.processes import free_port
from tests.support.ses_emulator import SesEmulator

pytestmark = pytest.mark.usefixtures("ses_credentials")


def test_a_newsletter_goes_out_raw_with_every_header(ses_emulator: SesEmulator) -> None:
    settings = SesSettings("eu-central-1", ses_emulator.url, configuration_set="newsletters")
    client = ses_client(settings)
    sent_requests: list[dict[str, Any]] = []

    def keep(request: Any, **_: Any) -> None:
        sent_requests.append(json.loads(request.body))

    client.meta.events.register("before-send.sesv2.SendEmail", keep)
    message = newsletter().message(anna())
    accepted = SesTransport(settings, client).send(message)

    [request] = sent_requests
    assert request["ConfigurationSetName"] == "newsletters"
    assert request["Destination"] == {"ToAddresses": ["anna.petrova@example.com"]}
    raw = base64.b64decode(request["Content"]["Raw"]["Data"])
    assert raw == message.data
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw

    [stored] = [e for e in ses_emulator.emails() if e["messageId"] == accepted.provider_id]
    assert stored["subject"] == message.subject
    # mailparser quotes display names when it writes them back out.
    assert stored["from"] == '"Медная турка" <news@coppercezve.example>'
    assert stored["replyTo"] == ['"Copper Cezve" <hello@coppercezve.example>']
    assert stored["destination"]["to"] == ['"Анна Петрова" <anna.petrova@example.com>']
    values = anna_values() | signed_links("c0000042")
    assert stored["body"]["text"] == NEWSLETTER.fill_text(values)
    assert stored["body"]["html"] == NEWSLETTER.fill_html(values)


def test_content_ses_refuses_is_a_permanent_error(ses_emulator: SesEmulator) -> None:
    no_from = Message(
        "bounces@coppercezve.example",
        "anna@example.com",
        "x.1@coppercezve.example",
        "Hi",
        newsletter().kind,
        b"To: anna@example.com\r\nSubject: Hi\r\n\r\nHello\r\n",
    )
    with pytest.raises(PermanentError):
        SesTransport(SesSettings(endpoint_url=ses_emulator.url)).send(no_from)


def test_no_ses_listening_is_transient() -> None:
    settings = SesSettings(endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TransientError, match="could not be reached"):
        SesTransport(settings).send(newsletter().message(anna()))


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("TooManyRequestsException", 429),
        ("ThrottlingException", 400),
        ("LimitExceededException", 400),
        ("ServiceUnavailable", 503),
        ("InternalFailure", 500),
        ("SomethingNew", 502),
    ],
)
def test_throttling_and_outages_are_transient(code: str, status: int) -> None:
    error = classify(_response(code, status))
    assert isinstance(error, TransientError)
    assert error.code == code


@pytest.mark.parametrize(
    "code",
    [
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "AccountSuspendedException",
        "SendingPausedException",
        "NotFoundException",
        "BadRequestException",
    ],
)
def test_refusals_are_permanent(code: str) -> None:
    error = classify(_response(code, 400))
    assert isinstance(error, PermanentError)
    assert error.reason == f"{code} happened"


def _response(code: str, status: int) -> dict[str, Any]:
    return {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }


def test_boto3_is_loaded_only_when_mail_goes_out() -> None:
    probe = (
        "import sys, stampbook.mail.transports.ses, stampbook.bootstrap;"
        "print('boto3' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_settings_from_the_environment_reach_ses(ses_emulator: SesEmulator) -> None:
    env = {"STAMPBOOK_MAIL": "ses", "STAMPBOOK_SES_ENDPOINT": ses_emulator.url}
    sender = open_transport(Settings(mail=MailSettings.from_env(env)))
    message = newsletter().message(anna())
    accepted = sender.send(message)
    sender.close()
    [stored] = [e for e in ses_emulator.emails() if e["messageId"] == accepted.provider_id]
    assert stored["subject"] == message.subject
