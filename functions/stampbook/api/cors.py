"""Cross-origin requests from the business's own site, and from nowhere else.

The site (sign-up form, confirm and unsubscribe pages, my points) may live
on another origin than the API. Only the origins listed in
`STAMPBOOK_SITE_ORIGINS` (comma-separated, e.g. `https://coppercezve.ru`)
are answered with CORS headers; by default none are. The till and the mail
provider's events are server-to-server and never answer a browser.

Chalice's own `cors=` names one fixed origin; a list has to be checked per
request, so the answer is made here, preflights included.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, Request, Response

# Paths no browser has business calling across origins.
SERVER_TO_SERVER = ("/till/", "/mail/")
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def site_origins() -> frozenset[str]:
    """The configured origins, spelled as browsers send them (lower case, no slash)."""
    names = os.environ.get("STAMPBOOK_SITE_ORIGINS", "")
    return frozenset(name.strip().rstrip("/").lower() for name in names.split(",") if name.strip())


def is_public(path: str) -> bool:
    return not path.startswith(SERVER_TO_SERVER)


def allowed_origin(request: Request) -> str | None:
    """The request's origin if the site may read the answer; `null` never may."""
    origin = (request.headers.get("origin") or "").strip()
    if not origin or origin == "null" or not is_public(request.path):
        return None
    return origin if origin in site_origins() else None


def with_cors(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: the site's origin may read the public routes' answers."""
    response = get_response(event)
    if is_public(event.path) and site_origins():
        # The answer depends on the Origin header, so caches must key on it.
        response.headers["Vary"] = "Origin"
        origin = allowed_origin(event)
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
    return response


def answer_preflights(app: Chalice) -> None:
    """An `OPTIONS` route beside each route, for browsers' preflight requests.

    Call after every route is registered. The server-to-server routes get one
    too, so a browser asking there is told nothing rather than whatever the
    gateway would make up. These routes are plumbing, not API: /openapi.json
    leaves them out.
    """
    for path, methods in list(app.routes.items()):
        if "OPTIONS" in methods:
            continue
        allowed = ",".join(sorted(methods))
        name = "preflight" + re.sub(r"[^A-Za-z0-9]+", "_", path)
        app.route(path, methods=["OPTIONS"], name=name)(_preflight(app, allowed))


def _preflight(app: Chalice, methods: str) -> Callable[..., Response]:
    def preflight(**_path: str) -> Response:
        request = app.current_request
        headers: dict[str, str | list[str]] = {}
        if request is not None and allowed_origin(request) is not None:
            headers = {
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        return Response(body="", status_code=204, headers=headers)

    return preflight
