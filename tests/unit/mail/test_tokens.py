"""Signed link tokens: what they allow, for how long, and what they refuse."""

from __future__ import annotations

import base64
import hmac
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Thread

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stampbook.mail.tokens import (
    LIFETIMES,
    ExpiredToken,
    Keyring,
    KeySettingsError,
    Purpose,
    SigningKey,
    TamperedToken,
    UnknownKey,
    WrongPurpose,
    local_keyring,
    new_key_text,
    parse_keys,
)

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
OLD = SigningKey("k1", b"o" * 32)
NEW = SigningKey("k2", b"n" * 32)


def test_a_token_carries_its_subject_purpose_and_expiry() -> None:
    keys = Keyring([OLD])
    token = keys.sign(Purpose.UNSUBSCRIBE, "c0000042", NOW)
    claim = keys.verify(token, Purpose.UNSUBSCRIBE, NOW + timedelta(days=59))
    assert claim.subject == "c0000042"
    assert claim.purpose is Purpose.UNSUBSCRIBE
    assert claim.expires == NOW + LIFETIMES[Purpose.UNSUBSCRIBE]


def test_tokens_are_compact_and_url_safe() -> None:
    token = Keyring([OLD]).sign(Purpose.FEEDBACK, "ORDER-2026-000123", NOW)
    assert len(token) < 80
    assert set(token) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def test_lifetimes_suit_each_purpose() -> None:
    assert LIFETIMES[Purpose.UNSUBSCRIBE] >= timedelta(days=60)
    assert LIFETIMES[Purpose.PREFERENCES] >= timedelta(days=60)
    # A member link only shows: it outlives a newsletter read a week or a month late.
    assert LIFETIMES[Purpose.POINTS] == timedelta(days=90)
    assert LIFETIMES[Purpose.CONFIRM] == timedelta(days=7)
    assert set(LIFETIMES) == set(Purpose)


def test_an_expired_token_is_refused() -> None:
    keys = Keyring([OLD])
    token = keys.sign(Purpose.CONFIRM, "c1", NOW)
    keys.verify(token, Purpose.CONFIRM, NOW + timedelta(days=7, seconds=-1))
    with pytest.raises(ExpiredToken):
        keys.verify(token, Purpose.CONFIRM, NOW + timedelta(days=7))


def test_a_token_for_one_purpose_does_not_serve_another() -> None:
    keys = Keyring([OLD])
    token = keys.sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    with pytest.raises(WrongPurpose, match="unsubscribe"):
        keys.verify(token, Purpose.POINTS, NOW)


@given(position=st.integers(min_value=0), replacement=st.sampled_from("Aa0_-.xZ"))
def test_any_change_to_a_token_is_detected(position: int, replacement: str) -> None:
    keys = Keyring([OLD])
    token = keys.sign(Purpose.PREFERENCES, "c0000042", NOW)
    position %= len(token)
    tampered = token[:position] + replacement + token[position + 1 :]
    if tampered == token:
        return
    with pytest.raises((TamperedToken, UnknownKey)):
        keys.verify(tampered, Purpose.PREFERENCES, NOW)


def test_a_changed_subject_is_tampering() -> None:
    keys = Keyring([OLD])
    key_id, letter, expiry, _, mac = keys.sign(Purpose.UNSUBSCRIBE, "c1", NOW).split(".")
    other_subject = Keyring([OLD]).sign(Purpose.UNSUBSCRIBE, "c2", NOW).split(".")[3]
    forged = ".".join([key_id, letter, expiry, other_subject, mac])
    with pytest.raises(TamperedToken):
        keys.verify(forged, Purpose.UNSUBSCRIBE, NOW)


def test_a_later_expiry_is_tampering() -> None:
    keys = Keyring([OLD])
    key_id, letter, _, subject, mac = keys.sign(Purpose.POINTS, "c1", NOW).split(".")
    with pytest.raises(TamperedToken):
        keys.verify(".".join([key_id, letter, "zzzzzz", subject, mac]), Purpose.POINTS, NOW)


@pytest.mark.parametrize("garbage", ["", "abc", "k1.u.x.y", "k1.u.x.y.z.w", "k1.u.!!.**.??"])
def test_garbage_is_refused_as_tampered(garbage: str) -> None:
    with pytest.raises(TamperedToken):
        Keyring([OLD]).verify(garbage, Purpose.UNSUBSCRIBE, NOW)


def test_rotation_signs_with_the_newest_and_still_accepts_the_old() -> None:
    sent_last_month = Keyring([OLD]).sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    rotated = Keyring([NEW, OLD])
    assert rotated.verify(sent_last_month, Purpose.UNSUBSCRIBE, NOW).subject == "c1"
    assert rotated.sign(Purpose.UNSUBSCRIBE, "c1", NOW).startswith("k2.")


def test_a_key_no_longer_listed_is_unknown() -> None:
    token = Keyring([OLD]).sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    with pytest.raises(UnknownKey, match="k1"):
        Keyring([NEW]).verify(token, Purpose.UNSUBSCRIBE, NOW)


def test_same_key_id_with_another_secret_is_tampering() -> None:
    token = Keyring([OLD]).sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    with pytest.raises(TamperedToken):
        Keyring([SigningKey("k1", b"x" * 32)]).verify(token, Purpose.UNSUBSCRIBE, NOW)


def test_keys_from_settings_newest_first() -> None:
    text = f"{new_key_text('k2')}, {new_key_text('k1')}"
    keys = parse_keys(text)
    assert [key.id for key in keys] == ["k2", "k1"]
    assert all(len(key.secret) == 32 for key in keys)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("k1", "id:secret"),
        ("k1:c2hvcnQ", "at least 16"),
        ("k 1:" + "a" * 43, "letters, digits"),
        ("k1:" + "a" * 43 + ",k1:" + "b" * 43, "duplicate"),
    ],
)
def test_unusable_key_settings_are_refused_clearly(text: str, complaint: str) -> None:
    with pytest.raises(KeySettingsError, match=complaint):
        Keyring(parse_keys(text))


def test_secrets_stay_out_of_reprs() -> None:
    assert "ooo" not in repr(OLD)


def test_local_mode_makes_a_private_key_file_once(tmp_path: Path) -> None:
    path = tmp_path / "data" / "signing-keys"
    first = local_keyring(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = first.sign(Purpose.CONFIRM, "c1", NOW)
    assert local_keyring(path).verify(token, Purpose.CONFIRM, NOW).subject == "c1"
    assert [p.name for p in path.parent.iterdir()] == ["signing-keys"]


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "signing-keys"
    rings: list[Keyring] = []
    threads = [Thread(target=lambda: rings.append(local_keyring(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    token = rings[0].sign(Purpose.CONFIRM, "c1", NOW)
    assert all(ring.verify(token, Purpose.CONFIRM, NOW).subject == "c1" for ring in rings)


def test_every_spelling_of_the_signature_but_one_is_refused() -> None:
    keys = Keyring([OLD])
    token = keys.sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    accepted = [token[:-1] + last for last in alphabet if _accepted(keys, token[:-1] + last)]
    assert accepted == [token]


def _accepted(keys: Keyring, token: str) -> bool:
    try:
        keys.verify(token, Purpose.UNSUBSCRIBE, NOW)
    except TamperedToken:
        return False
    return True


@pytest.mark.parametrize("secret", [b"s" * 16, b"s" * 64, b"long key " * 20])
def test_the_signature_is_standard_hmac_sha256(secret: bytes) -> None:
    token = Keyring([SigningKey("k1", secret)]).sign(Purpose.CONFIRM, "c1", NOW)
    body, _, mac = token.rpartition(".")
    expected = hmac.digest(secret, body.encode(), "sha256")[:16]
    assert base64.urlsafe_b64decode(mac + "==") == expected
