"""Signatures as the Standard Webhooks specification makes them: its published example
gives the very signature its reference libraries give."""

from __future__ import annotations

import pytest

from stampbook.records.webhooks import new_secret
from stampbook.webhooks.signing import BadSecret, signature, signed_headers

# The specification's example: secret, message id, timestamp, body and signature.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = '{"test": 2432232314}'


def test_the_specifications_example_is_signed_as_published() -> None:
    assert signature(SECRET, MESSAGE, TIMESTAMP, BODY) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    assert signed_headers(SECRET, MESSAGE, TIMESTAMP, BODY) == {
        "webhook-id": MESSAGE,
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_every_part_signed_changes_the_signature() -> None:
    first = signature(SECRET, MESSAGE, TIMESTAMP, BODY)
    assert signature(SECRET, MESSAGE + "x", TIMESTAMP, BODY) != first
    assert signature(SECRET, MESSAGE, TIMESTAMP + 1, BODY) != first
    assert signature(SECRET, MESSAGE, TIMESTAMP, BODY + " ") != first
    assert signature(new_secret(), MESSAGE, TIMESTAMP, BODY) != first


def test_a_new_secret_is_24_random_bytes_written_as_the_specification_does() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(secret) == len("whsec_") + 32
    assert new_secret() != secret


@pytest.mark.parametrize(
    "bad", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="]
)
def test_a_secret_that_is_not_one_is_refused(bad: str) -> None:
    with pytest.raises(BadSecret):
        signature(bad, MESSAGE, TIMESTAMP, BODY)


def test_during_a_rotation_each_secret_signs_and_either_checks() -> None:
    old, new = SECRET, new_secret()
    signed = signed_headers((new, old), MESSAGE, TIMESTAMP, BODY)["webhook-signature"]
    assert signed.split(" ") == [
        signature(new, MESSAGE, TIMESTAMP, BODY),
        signature(old, MESSAGE, TIMESTAMP, BODY),
    ]
