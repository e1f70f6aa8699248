"""`stampbook serve` on a kept-alive connection, read off the socket itself.

Every HTTP client library keeps its connection open between requests. Each
answer must then leave the server whole, in one segment: an answer written
in two parts has its second part held back (Nagle) until the client
acknowledges the first, some 40 ms later on Linux. And each request must be
read to its end, or what is left of it is taken for the next request.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from .test_serve import PAGES, serving

ORDER = {
    "customer": {"code": "ANNA2345"},
    "order_id": "K-1",
    "placed_at": "2026-11-23T12:00:00+03:00",
    "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving(tmp_path_factory.mktemp("kept-alive")) as running:
        yield running


@pytest.fixture
def connection(served: tuple[str, str]) -> Iterator[socket.socket]:
    base, _ = served
    host, _, port = base.removeprefix("http://").partition(":")
    with socket.create_connection((host, int(port)), timeout=10) as kept:
        yield kept


def request(method: str, path: str, body: bytes = b"", **headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    if body and "Transfer_Encoding" not in headers:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answer_in_one_read(connection: socket.socket, head: bool = False) -> tuple[int, bytes]:
    """The status and body of one answer, which must come whole in the first read,
    with nothing after it."""
    connection.settimeout(10)
    received = connection.recv(1 << 20)
    assert received, "the server closed the connection"
    header_block, separator, body = received.partition(b"\r\n\r\n")
    assert separator, f"the headers came without their end: {received!r}"
    status_line, *fields = header_block.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (f.partition(": ") for f in fields)}
    assert "close" not in headers.get("connection", "").lower()
    expected = 0 if head else int(headers["content-length"])
    assert len(body) == expected, f"the first read held {len(body)} of {expected} body bytes"
    # And nothing follows: a HEAD's answer carries no body, any answer one only.
    connection.settimeout(0.2)
    try:
        more = connection.recv(1 << 20)
    except TimeoutError:
        more = b""
    assert more == b"", "more came after the answer"
    return int(status_line.split()[1]), body


def test_each_answer_on_a_kept_alive_connection_arrives_whole_in_one_read(
    connection: socket.socket, served: tuple[str, str]
) -> None:
    _, key = served
    till = {"Authorization": f"Bearer {key}", "Content_Type": "application/json"}
    purchase = json.dumps(ORDER).encode()

    for _ in range(3):  # the second and later requests are the ones Nagle held
        connection.sendall(request("GET", "/api/health"))
        status, body = answer_in_one_read(connection)
        assert (status, json.loads(body)["status"]) == (200, "ok")
    connection.sendall(request("POST", "/till/purchases", purchase, **till))
    status, body = answer_in_one_read(connection)
    assert (status, json.loads(body)["points"]) == (200, 45)
    connection.sendall(request("POST", "/till/purchases", purchase, **till))
    assert answer_in_one_read(connection) == (200, body)  # the retry, answered alike
    connection.sendall(request("GET", "/en/"))
    assert answer_in_one_read(connection) == (200, PAGES["en/index.html"].encode())
    connection.sendall(request("GET", "/no-such-page/"))
    assert answer_in_one_read(connection) == (404, PAGES["404.html"].encode())
    connection.sendall(request("GET", "/api/no-such-route"))
    status, body = answer_in_one_read(connection)
    assert (status, json.loads(body)["error"]["code"]) == (404, "not_found")


def test_a_head_answer_has_no_body_so_the_next_answer_starts_clean(
    connection: socket.socket,
) -> None:
    connection.sendall(request("HEAD", "/api/health"))  # link checkers ask so
    assert answer_in_one_read(connection, head=True) == (200, b"")
    connection.sendall(request("HEAD", "/en/"))
    assert answer_in_one_read(connection, head=True) == (200, b"")
    connection.sendall(request("GET", "/api/health"))
    assert answer_in_one_read(connection)[0] == 200


def test_a_request_body_nobody_reads_is_not_taken_for_the_next_request(
    connection: socket.socket,
) -> None:
    # A page answers without looking at the body; the body is read all the same.
    connection.sendall(request("POST", "/no-such-page/", b"name=Anna"))
    assert answer_in_one_read(connection)[0] == 404
    connection.sendall(request("GET", "/en/", b"unexpected"))
    assert answer_in_one_read(connection)[0] == 200
    connection.sendall(request("GET", "/api/health"))
    assert answer_in_one_read(connection)[0] == 200


def test_a_chunked_request_body_reaches_the_api_whole(connection: socket.socket) -> None:
    body = json.dumps({"email": "not an address"}).encode()
    chunked = b"".join(
        [f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:5], body[5:])]
    )
    connection.sendall(
        request(
            "POST",
            "/api/points",
            chunked + b"0\r\n\r\n",
            Content_Type="application/json",
            Transfer_Encoding="chunked",
        )
    )
    status, answer = answer_in_one_read(connection)
    # The email was read (it is refused as an address), not missing.
    assert (status, json.loads(answer)["error"]["code"]) == (422, "invalid_email")
    connection.sendall(request("GET", "/api/health"))
    assert answer_in_one_read(connection)[0] == 200


def test_a_client_that_waits_for_100_continue_gets_it_before_it_sends_the_body(
    connection: socket.socket, served: tuple[str, str]
) -> None:
    _, key = served
    purchase = json.dumps({**ORDER, "order_id": "K-2"}).encode()
    headers = request(
        "POST",
        "/till/purchases",
        Authorization=f"Bearer {key}",
        Content_Type="application/json",
        Content_Length=str(len(purchase)),
        Expect="100-continue",
    )
    connection.sendall(headers)
    assert connection.recv(1 << 20) == b"HTTP/1.1 100 Continue\r\n\r\n"
    connection.sendall(purchase)
    assert answer_in_one_read(connection)[0] == 200


def refusal(connection: socket.socket) -> tuple[int, dict[str, str], dict[str, object]]:
    """The status, headers and error envelope of an answer after which the server closes."""
    connection.settimeout(BODY_WAIT + 5)
    received = b""
    while chunk := connection.recv(1 << 16):
        received += chunk
    header_block, _, body = received.partition(b"\r\n\r\n")
    status_line, *fields = header_block.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (f.partition(": ") for f in fields)}
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    return int(status_line.split()[1]), headers, json.loads(body)["error"]


BODY_WAIT = 10  # the server's BODY_SECONDS


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"TRACE /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
        (b"BREW /en/ HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
        (b"GET /api/health HTTP/7.0\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"),
        (b"GET / HTTP/1.1 and more\r\n\r\n", 400, "bad_request"),
        (
            b"GET /api/health HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
            431,
            "headers_too_large",
        ),
        (b"POST /api/points HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400, "bad_request"),
        (b"POST /api/points HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "bad_request"),
        (b"POST /api/points HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413, "too_large"),
        (
            b"POST /api/points HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
            "bad_request",
        ),
    ],
)
def test_a_request_the_server_cannot_take_is_refused_in_the_envelope(
    connection: socket.socket, raw: bytes, status: int, code: str
) -> None:
    connection.sendall(raw)
    answered, headers, error = refusal(connection)
    assert (answered, error["code"]) == (status, code)
    assert headers["connection"] == "close"
    if status == 405:
        assert "GET" in headers["allow"]


def test_a_body_that_never_comes_frees_the_thread_after_a_while(connection: socket.socket) -> None:
    connection.sendall(b"POST /api/points HTTP/1.1\r\nContent-Length: 100\r\n\r\n{}")
    status, _, error = refusal(connection)
    assert (status, error["code"]) == (408, "request_timeout")


def test_an_unknown_method_on_an_api_route_names_the_methods_it_answers(
    connection: socket.socket,
) -> None:
    connection.sendall(b"BREW /api/subscribe HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, _ = refusal(connection)
    assert (status, headers["allow"]) == (405, "OPTIONS, POST")
