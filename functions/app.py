"""The Chalice app: HTTP routes and schedules. Thin: the work is in `stampbook`.

Importing it loads Chalice and the route table only: each route's handler
module is imported by the first request that reaches it (a Lambda cold
start pays for no model, store or template it does not use).
"""

from __future__ import annotations

from chalice.app import Chalice

import stampbook
from stampbook.api.cors import answer_preflights, with_cors
from stampbook.api.errors import in_envelope
from stampbook.api.routes import (
    feedback,
    points,
    preferences,
    provider_events,
    subscriptions,
    till,
)

app = Chalice(app_name="stampbook")
# First registered runs outermost: CORS headers go on the envelope's answers too.
app.register_middleware(with_cors, "http")
app.register_middleware(in_envelope, "http")
app.register_blueprint(till, url_prefix="/till")
app.register_blueprint(provider_events, url_prefix="/mail")
app.register_blueprint(subscriptions)
app.register_blueprint(points)
app.register_blueprint(preferences)
app.register_blueprint(feedback)


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    """Liveness for the load balancer and for `chalice local` smoke tests."""
    return {"status": "ok", "version": stampbook.__version__}


@app.route("/openapi.json", methods=["GET"])
def openapi() -> dict[str, object]:
    """The API described for client generators and for schemathesis."""
    from stampbook.api.openapi import described

    return described()


answer_preflights(app)
