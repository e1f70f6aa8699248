"""The API function's init on Lambda: handlers imported and the app wired before any request.

Lambda runs a function's module-level code once per execution environment,
before its first event (the init phase), and AWS's advice is to load heavy
dependencies and create clients there: the first customer then waits for
their answer only, and provisioned concurrency or SnapStart can run the
init ahead of any request. Only the HTTP function does it (Lambda names the
handler it loaded in `_HANDLER`); the queue consumer, the schedules, the
command line and the tests import the app as cheaply as ever (law 10).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

# The handler Chalice's package gives the function behind API Gateway.
API_HANDLER = "app.app"

log = logging.getLogger(__name__)


def serves_http(environ: Mapping[str, str]) -> bool:
    """Whether this process is the API's Lambda function (and not a test or a command)."""
    return environ.get("_HANDLER") == API_HANDLER


def warm() -> None:
    """Import every handler and wire the app: programme, store, mailer.

    A programme or store that cannot be loaded yet is not fatal here: the
    first request tries again and answers in the JSON envelope, as it would
    have without the warm-up, where a failed init is a bare 502.
    """
    from .public import mailer
    from .routes import import_handlers

    import_handlers()
    try:
        mailer()
    except Exception as error:
        log.error("the app was not wired at init (%s); requests will retry", type(error).__name__)
