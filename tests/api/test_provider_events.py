"""SES bounces and complaints through SNS: signed, for our topic, counted once."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from stampbook.api.provider_events import use_sns
from stampbook.api.sns import Certificates, NotFromSns
from stampbook.audience.consent import ConsentStatus, current_status
from stampbook.audience.mail_events import MailEventKind
from stampbook.records.customers import Customer

from .conftest import NOW, Api

TOPIC = "arn:aws:sns:eu-west-1:123456789012:stampbook-ses"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate() -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(KEY.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .sign(KEY, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


PEM = _certificate()


def signed(message: dict[str, Any], version: str = "2") -> dict[str, Any]:
    fields = (
        ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
        if message["Type"] == "Notification"
        else ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
    )
    text = "".join(f"{f}\n{message[f]}\n" for f in fields if f in message).encode()
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = KEY.sign(text, padding.PKCS1v15(), algorithm)
    return {
        **message,
        "SignatureVersion": version,
        "Signature": base64.b64encode(signature).decode(),
        "SigningCertURL": CERT_URL,
    }


def notification(
    event: dict[str, Any], message_id: str = "sns-1", **changes: Any
) -> dict[str, Any]:
    return {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Message": json.dumps(event),
        "Timestamp": "2026-11-23T15:00:00.000Z",
        **changes,
    }


def bounce(kind: str, *emails: str) -> dict[str, Any]:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": kind,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": e, "status": "5.1.1"} for e in emails],
            "timestamp": "2026-11-23T14:59:00.000Z",
        },
        "mail": {"messageId": "ses-0001", "source": "hello@mednaya-turka.example"},
        "unknownField": {"ignored": True},
    }


@pytest.fixture
def sns(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setenv("STAMPBOOK_SNS_TOPICS", f"arn:aws:sns:eu-west-1:1:other, {TOPIC}")
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return PEM

    confirmed: list[str] = []
    use_sns(Certificates(fetch), confirmed.append)
    api.app.store.add_customer(Customer("c2", "boris@example.com", NOW, name="Борис"))
    yield confirmed
    use_sns(Certificates())


def deliver(api: Api, message: dict[str, Any]) -> tuple[int, Any]:
    status, body, _ = api.call(
        "POST", "/mail/events", json.dumps(message), key=None, **{"Content-Type": "text/plain"}
    )
    return status, body


def status_of(api: Api, customer_id: str) -> ConsentStatus | None:
    return current_status(api.app.store.consents(customer_id))


def test_a_hard_bounce_suppresses_every_recipient_once(api: Api, sns: list[str]) -> None:
    message = signed(notification(bounce("Permanent", "Anna@Example.com", "boris@example.com")))
    assert deliver(api, message) == (200, {"recorded": 2})
    assert status_of(api, "c1") is ConsentStatus.SUPPRESSED
    assert status_of(api, "c2") is ConsentStatus.SUPPRESSED
    assert deliver(api, message) == (200, {"recorded": 0})  # SNS delivered it twice
    assert len(api.app.store.consents("c1")) == 1
    events = api.app.store.mail_events("c1")
    assert [(e.kind, e.message_id) for e in events] == [(MailEventKind.BOUNCE, "ses-0001")]


def test_a_soft_bounce_is_counted_and_changes_no_consent(api: Api, sns: list[str]) -> None:
    message = signed(notification(bounce("Transient", "anna@example.com")))
    assert deliver(api, message) == (200, {"recorded": 1})
    assert status_of(api, "c1") is None
    assert [e.kind for e in api.app.store.mail_events("c1")] == [MailEventKind.SOFT_BOUNCE]


def test_a_complaint_unsubscribes_from_marketing(api: Api, sns: list[str]) -> None:
    # A configuration-set event, as SES v2 sends them: `eventType`, not `notificationType`.
    event = {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "boris@example.com"}],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-11-23T15:01:00Z",
        },
        "mail": {"messageId": "ses-0002"},
    }
    assert deliver(api, signed(notification(event, "sns-2"))) == (200, {"recorded": 1})
    assert status_of(api, "c2") is ConsentStatus.UNSUBSCRIBED


def test_an_address_that_is_not_a_customer_is_recorded_without_one(
    api: Api, sns: list[str]
) -> None:
    message = signed(notification(bounce("Permanent", "stranger@example.org")))
    assert deliver(api, message) == (200, {"recorded": 1})
    assert status_of(api, "c1") is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda m: {**m, "Message": m["Message"].replace("Permanent", "Transient")},
        lambda m: {**m, "Signature": base64.b64encode(b"x" * 256).decode()},
        lambda m: {**m, "SigningCertURL": "https://evil.example/SimpleNotificationService.pem"},
        lambda m: {**m, "SigningCertURL": "http://sns.eu-west-1.amazonaws.com/cert.pem"},
        lambda m: {**m, "SignatureVersion": "3"},
        lambda m: {**m, "SigningCertURL": "https://sns.eu-west-1.amazonaws.com:8443/cert.pem"},
        lambda m: {**m, "SigningCertURL": "https://x@sns.eu-west-1.amazonaws.com/cert.pem"},
        lambda m: {k: v for k, v in m.items() if k != "Signature"},
    ],
)
def test_a_forged_or_altered_message_changes_nothing(api: Api, sns: list[str], forge: Any) -> None:
    message = forge(signed(notification(bounce("Permanent", "anna@example.com"))))
    status, body = deliver(api, message)
    assert status == 403
    assert body["error"]["code"] == "forbidden"
    assert api.app.store.consents("c1") == []
    assert api.app.store.mail_events("c1") == []


def test_a_message_for_another_topic_is_refused_before_it_is_read(api: Api, sns: list[str]) -> None:
    foreign = signed(notification(bounce("Permanent", "anna@example.com"), TopicArn="arn:x"))
    assert deliver(api, foreign)[0] == 403
    assert deliver(api, {"not": "sns"})[0] == 403
    assert api.app.store.consents("c1") == []


def test_a_subscription_is_confirmed_only_when_signed_for_our_topic(
    api: Api, sns: list[str]
) -> None:
    url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t"
    confirmation = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "sns-3",
        "Token": "t",
        "TopicArn": TOPIC,
        "Message": "You have chosen to subscribe",
        "SubscribeURL": url,
        "Timestamp": datetime(2026, 11, 23, tzinfo=UTC).isoformat(),
    }
    assert deliver(api, {**signed(confirmation), "SubscribeURL": url + "x"})[0] == 403
    assert sns == []
    assert deliver(api, signed(confirmation)) == (200, {"confirmed": True})
    assert sns == [url]


def test_a_message_signed_the_old_way_with_sha1_is_refused(api: Api, sns: list[str]) -> None:
    message = signed(notification(bounce("Permanent", "anna@example.com")), version="1")
    assert deliver(api, message)[0] == 403
    assert api.app.store.consents("c1") == []


@pytest.mark.parametrize(
    "body", [{"Type": {"a": 1}}, {"Type": "Notification", "TopicArn": ["x"]}, [1], "x"]
)
def test_odd_json_is_refused_before_anything_is_fetched(
    api: Api, sns: list[str], body: Any
) -> None:
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return PEM

    use_sns(Certificates(fetch), sns.append)
    assert deliver(api, body)[0] == 403
    unsigned = {**notification(bounce("Permanent", "anna@example.com")), "SignatureVersion": "2"}
    assert deliver(api, {**unsigned, "SigningCertURL": CERT_URL})[0] == 403
    assert asked == []  # no certificate was asked for


def test_a_certificate_that_cannot_be_fetched_is_not_asked_for_again_at_once() -> None:
    asked: list[str] = []
    now = [0.0]

    def unreachable(url: str) -> bytes:
        asked.append(url)
        raise OSError("connection refused")

    certificates = Certificates(unreachable, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(NotFromSns):
            certificates.key(CERT_URL)
    assert asked == [CERT_URL]
    now[0] += 61
    with pytest.raises(NotFromSns):
        certificates.key(CERT_URL)
    assert asked == [CERT_URL, CERT_URL]
