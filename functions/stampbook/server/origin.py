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
"""

from __future__ import annotations

import functools
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


class OneOriginHandler(ChaliceRequestHandler, SimpleHTTPRequestHandler):
    """Chalice's request handler, with the site's files in front of it."""

    site: Path | None = None
    routes: RouteMatcher
    body: bytes | None = None

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
    ) -> None:
        # SimpleHTTPRequestHandler reads `directory`; Chalice's __init__ never sets it.
        self.site = site
        self.directory = str(site) if site is not None else "."
        self.routes = RouteMatcher(list(app_object.routes))
        ChaliceRequestHandler.__init__(self, request, client_address, server, app_object, config)

    def handle_expect_100(self) -> bool:
        # "100 Continue" must reach the client now, not with the final answer:
        # the client waits for it before it sends the body this server waits for.
        SimpleHTTPRequestHandler.handle_expect_100(self)
        self.wfile.flush()
        return True

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self.path = self.path[len(API_PREFIX) :] or "/"
            self._generic_handle()
        elif self.command in ("GET", "HEAD") and self._is_site_file(path):
            if self.command == "GET":
                SimpleHTTPRequestHandler.do_GET(self)
            else:
                SimpleHTTPRequestHandler.do_HEAD(self)
        elif self._is_api_route(path) or self.site is None:
            self._generic_handle()
        else:
            self._not_found(path)

    # The handler methods http.server looks up by name.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _dispatch  # noqa: N815

    def parse_request(self) -> bool:
        # The body is read here, whatever answers: one left unread would be
        # taken for the connection's next request.
        if not SimpleHTTPRequestHandler.parse_request(self):
            return False
        try:
            self.body = self._read_body()
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "Unreadable request body")
            return False
        return True

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunks()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else None

    def _read_chunks(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline(MAX_LINE).split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_LINE)  # the CRLF after the chunk
        while self.rfile.readline(MAX_LINE).strip():  # trailer fields, unused
            pass
        return b"".join(chunks)

    def _parse_payload(self) -> tuple[dict[str, str], bytes | None]:
        # Chalice's own reads the body here, and a Content-Length one only.
        return dict(self.headers), self.body

    def _send_http_response_with_body(
        self, code: int, headers: dict[str, Any], body: str | bytes
    ) -> None:
        if self.command != "HEAD":
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
            self.send_error(HTTPStatus.NOT_FOUND)
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
    chalice_app: Chalice, config: Config, port: int, site: Path | None
) -> LocalDevServer:
    """Listen on 127.0.0.1:PORT: the site at the root, the API under /api/.

    Loopback only: a laptop in a café must not serve its customer file to the Wi-Fi.
    """
    # Chalice's local server makes `current_request` per thread; keep that,
    # and answer with the handler above instead of its own.
    server = create_local_server(chalice_app, config, "127.0.0.1", port)
    server.server.RequestHandlerClass = functools.partial(
        OneOriginHandler, app_object=chalice_app, config=config, site=site
    )
    return server
