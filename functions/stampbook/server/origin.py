"""One origin on this machine: the built site, and the API under `/api/`.

The site's forms post to `/api/...` on the address they were loaded from, so
a browser needs no CORS and the emails' links (site pages and the one-click
unsubscribe) all point at one place. Requests are answered in this order:

1. `/api/...` goes to the Chalice app through Chalice's own local gateway,
   without the prefix, exactly as API Gateway would hand it over;
2. a GET or HEAD for a page or file of the built site is served from it
   (a folder by its index.html, never as a listing);
3. any other address the API knows goes to the API, so tills and scripts
   that call `/till/purchases` or `/health` at the root keep working;
4. anything else is the site's 404 page (the locale's own, when it has one).

Whatever goes wrong before the API is reached (an unknown method, an
unreadable request line or body, headers or a body too large, a body that
never comes) is answered in the API's JSON envelope too, never with
http.server's HTML page or a dropped connection; a HEAD is answered as its
GET would be, without the body.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    RouteMatcher,
    create_local_server,
)

API_PREFIX = "/api"
# The page MkDocs writes for unknown addresses, at the root of each locale's build.
NOT_FOUND_PAGE = "404.html"
# The longest chunk-size or trailer line read from a chunked request body.
MAX_LINE = 8192
# How long a kept-alive connection may stay silent before the server closes it.
IDLE_SECONDS = 60
# How long a request's body may take to arrive once its headers have: a
# client that announces more than it sends must not hold a thread for long.
BODY_SECONDS = 10
# The largest body read; the API refuses anything over its own, smaller limit.
MAX_BODY = 1024 * 1024
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The envelope's codes for what http.server refuses by itself.
_CODES = {
    HTTPStatus.BAD_REQUEST: "bad_request",
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.METHOD_NOT_ALLOWED: "method_not_allowed",
    HTTPStatus.REQUEST_TIMEOUT: "request_timeout",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "too_large",
    HTTPStatus.REQUEST_URI_TOO_LONG: "address_too_long",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "headers_too_large",
    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED: "http_version_not_supported",
}


class UnreadableBody(ValueError):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class OneOriginHandler(ChaliceRequestHandler, SimpleHTTPRequestHandler):
    """Chalice's request handler, with the site's files in front of it."""

    site: Path | None = None
    routes: RouteMatcher
    body: bytes | None = None
    head_only = False  # a HEAD, answered as its GET without the body

    # Each answer leaves in one write. http.server writes the status line and
    # headers, then the body, straight to the socket: two small segments, and
    # on a kept-alive connection Nagle holds the second until the client's
    # delayed ACK of the first (about 40 ms on Linux) — a till reusing its
    # connection got some 23 answers a second. Buffered, the whole answer
    # goes out when http.server flushes after the handler (and when a
    # connection ends); without Nagle, nothing written waits for an ACK
    # (a file larger than the buffer still leaves in several writes).
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    # A kept-alive connection holds a thread; one silent this long is closed
    # (every HTTP client opens a new one when its kept one has gone).
    timeout = IDLE_SECONDS

    def __init__(
        self,
        request: Any,
        client_address: Any,
        server: Any,
        app_object: Chalice,
        config: Config,
        site: Path | None,
        closed: Callable[[], None] = lambda: None,
    ) -> None:
        # SimpleHTTPRequestHandler reads `directory`; Chalice's __init__ never sets it.
        self.site = site
        self.closed = closed
        self.directory = str(site) if site is not None else "."
        self.routes = RouteMatcher(list(app_object.routes))
        self.api_methods = {path: set(methods) for path, methods in app_object.routes.items()}
        ChaliceRequestHandler.__init__(self, request, client_address, server, app_object, config)

    def finish(self) -> None:
        try:
            SimpleHTTPRequestHandler.finish(self)
        finally:
            # This connection's thread ends here: what it opened (a store connection)
            # can serve the thread of the next connection.
            self.closed()

    def handle_expect_100(self) -> bool:
        # "100 Continue" must reach the client now, not with the final answer:
        # the client waits for it before it sends the body this server waits for.
        SimpleHTTPRequestHandler.handle_expect_100(self)
        self.wfile.flush()
        return True

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        self.head_only = self.command == "HEAD"
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self.path = self.path[len(API_PREFIX) :] or "/"
            self._to_the_api(urlsplit(self.path).path)
        elif self.command in ("GET", "HEAD") and self._is_site_file(path):
            if self.command == "GET":
                SimpleHTTPRequestHandler.do_GET(self)
            else:
                SimpleHTTPRequestHandler.do_HEAD(self)
        elif self._is_api_route(path) or self.site is None:
            self._to_the_api(path)
        else:
            self._not_found(path)

    def _to_the_api(self, path: str) -> None:
        if not self._is_api_route(path):
            # API Gateway says "403 Missing Authentication Token" here; a
            # client deserves to hear that the address does not exist.
            self._refuse(HTTPStatus.NOT_FOUND, f"nothing answers at {path}", close=False)
            return
        if self.head_only and "GET" in self._allowed(path):
            self.command = "GET"  # link checkers ask with HEAD
        self._generic_handle()

    # The handler methods http.server looks up by name.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _dispatch  # noqa: N815

    def parse_request(self) -> bool:
        # The body is read here, whatever answers: one left unread would be
        # taken for the connection's next request.
        self.head_only = False  # this request's, not the last one's on the connection
        if not SimpleHTTPRequestHandler.parse_request(self):
            return False
        if self.command not in METHODS:
            path = urlsplit(self.path).path.removeprefix(API_PREFIX) or "/"
            allowed = ", ".join(sorted(self._allowed(path)))
            self._refuse(
                HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not a method here", Allow=allowed
            )
            return False
        self.connection.settimeout(BODY_SECONDS)
        try:
            self.body = self._read_body()
        except UnreadableBody as unreadable:
            self._refuse(unreadable.status, str(unreadable))
            return False
        except TimeoutError:
            self._refuse(
                HTTPStatus.REQUEST_TIMEOUT, f"the body did not come within {BODY_SECONDS} s"
            )
            return False
        finally:
            self.connection.settimeout(IDLE_SECONDS)
        return True

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunks()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise UnreadableBody(HTTPStatus.BAD_REQUEST, "Content-Length is not a number") from None
        if length < 0:
            raise UnreadableBody(HTTPStatus.BAD_REQUEST, "Content-Length is negative")
        if length > MAX_BODY:
            raise UnreadableBody(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is over {MAX_BODY} bytes"
            )
        body = self.rfile.read(length) if length > 0 else None
        if body is not None and len(body) < length:
            raise UnreadableBody(HTTPStatus.BAD_REQUEST, "the body ended before its Content-Length")
        return body

    def _read_chunks(self) -> bytes:
        chunks: list[bytes] = []
        read = 0
        try:
            while size := int(self.rfile.readline(MAX_LINE).split(b";")[0], 16):
                read += size
                if read > MAX_BODY:
                    raise UnreadableBody(
                        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is over {MAX_BODY} bytes"
                    )
                chunks.append(self.rfile.read(size))
                self.rfile.readline(MAX_LINE)  # the CRLF after the chunk
        except ValueError as error:
            if isinstance(error, UnreadableBody):
                raise
            raise UnreadableBody(HTTPStatus.BAD_REQUEST, "a chunk's size is not a number") from None
        while self.rfile.readline(MAX_LINE).strip():  # trailer fields, unused
            pass
        return b"".join(chunks)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own refusals (a bad request line, headers too large,
        # an HTTP version it does not speak) in the envelope, not an HTML page.
        self._refuse(HTTPStatus(code), message or HTTPStatus(code).description)

    def _refuse(
        self, status: HTTPStatus, message: str, *, close: bool = True, **headers: str
    ) -> None:
        """Answer in the API's envelope; after a request that could not be read, close."""
        code = _CODES.get(status, "bad_request")
        # A request line that could not be read leaves http.server taking the
        # client for HTTP/0.9, which gets no status line: nobody speaks that.
        self.request_version = "HTTP/1.1"
        body = json.dumps({"error": {"code": code, "message": message, "field": None}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and not self.head_only:
            self.wfile.write(body)

    def _allowed(self, path: str) -> set[str]:
        """The methods the address answers: its API route's, or a page's."""
        try:
            route = self.routes.match_route(path).route
        except ValueError:
            return {"GET", "HEAD"}
        methods = self.api_methods.get(route, set())
        return methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())

    def _parse_payload(self) -> tuple[dict[str, str], bytes | None]:
        # Chalice's own reads the body here, and a Content-Length one only.
        return dict(self.headers), self.body

    def _send_http_response_with_body(
        self, code: int, headers: dict[str, Any], body: str | bytes
    ) -> None:
        if not self.head_only:
            ChaliceRequestHandler._send_http_response_with_body(self, code, headers, body)
            return
        # The answer to a HEAD has the headers a GET would have, and no body:
        # a client reads none, so one written would open the next answer.
        length = len(body if isinstance(body, bytes) else body.encode())
        self.send_response(code)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        self._send_headers(headers)

    def _is_site_file(self, path: str) -> bool:
        if self.site is None:
            return False
        found = Path(self.translate_path(path))
        return found.is_file() or (found / "index.html").is_file()

    def _is_api_route(self, path: str) -> bool:
        try:
            self.routes.match_route(path)
        except ValueError:
            return False
        return True

    def _not_found(self, path: str) -> None:
        assert self.site is not None
        locale = unquote(path).lstrip("/").partition("/")[0]
        candidates = [self.site / locale / NOT_FOUND_PAGE] if locale else []
        page = next(
            (each for each in [*candidates, self.site / NOT_FOUND_PAGE] if each.is_file()), None
        )
        if page is None:
            self._refuse(HTTPStatus.NOT_FOUND, f"nothing answers at {path}", close=False)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # No access log: link tokens ride in the query string, and an address
        # in a path would reach the terminal. Failures are logged by the API.
        pass


def one_origin_server(
    chalice_app: Chalice,
    config: Config,
    port: int,
    site: Path | None,
    closed: Callable[[], None] = lambda: None,
) -> LocalDevServer:
    """Listen on 127.0.0.1:PORT: the site at the root, the API under /api/; `closed` is
    called by each connection's thread as the connection ends.

    Loopback only: a laptop in a café must not serve its customer file to the Wi-Fi.
    """
    # Chalice's local server makes `current_request` per thread; keep that,
    # and answer with the handler above instead of its own.
    server = create_local_server(chalice_app, config, "127.0.0.1", port)
    server.server.RequestHandlerClass = functools.partial(
        OneOriginHandler, app_object=chalice_app, config=config, site=site, closed=closed
    )
    return server
