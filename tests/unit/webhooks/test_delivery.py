"""Posting to a receiver on 127.0.0.1: a 2xx is delivered; another status, a redirect, a
refused connection or a receiver too slow to answer is a failure, told in a few words."""

from __future__ import annotations

import socket
import threading

import pytest

from stampbook.webhooks.delivery import BadEndpointUrl, Poster, endpoint_url
from tests.support.webhook_receiver import nobody_listening, webhook_receiver

HEADERS = {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,x"}


def test_answers_are_told_apart_and_one_connection_is_kept_for_a_receiver() -> None:
    with webhook_receiver(answers=[204, 500, 301, 200]) as receiver:
        poster = Poster()
        answers = [poster.post(receiver.url, HEADERS, '{"n":1}') for _ in range(4)]
        poster.close()
    assert [(a.status, a.delivered) for a in answers] == [
        (204, True),
        (500, False),
        (301, False),  # a redirect is not followed
        (200, True),
    ]
    first = receiver.received[0]
    assert first.headers["content-type"] == "application/json"
    assert first.headers["webhook-id"] == "msg_1"
    assert first.body == '{"n":1}'
    assert first.path == "/hooks/stampbook"


def test_nobody_listening_is_a_failure_with_why() -> None:
    answer = Poster().post(nobody_listening(), HEADERS, "{}")
    assert answer.status is None
    assert not answer.delivered
    assert "Connection refused" in answer.detail


def test_a_receiver_slower_than_the_timeout_is_a_failure() -> None:
    with socket.socket() as silent:  # accepts, and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        held: list[socket.socket] = []
        accepting = threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True)
        accepting.start()
        answer = Poster(timeout=0.3).post(f"http://127.0.0.1:{port}/", HEADERS, "{}")
        for connection in held:
            connection.close()
    assert answer.status is None
    assert "timed out" in answer.detail


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hooks",
        "http://crm.example.com/hooks",  # plain http leaves the machine: https only
        "https:///no-host",
        "https://user:pw@example.com/x",
        "https://example.com/x#part",
        "https://example.com:port/x",
        "not a url",
    ],
)
def test_an_address_a_webhook_cannot_go_to_is_refused(url: str) -> None:
    with pytest.raises(BadEndpointUrl):
        endpoint_url(url)


def test_https_anywhere_and_http_to_this_machine_are_taken() -> None:
    assert (
        endpoint_url(" https://crm.example.com/hooks?x=1 ") == "https://crm.example.com/hooks?x=1"
    )
    assert endpoint_url("http://127.0.0.1:8080/in") == "http://127.0.0.1:8080/in"
    assert endpoint_url("http://localhost/in") == "http://localhost/in"
