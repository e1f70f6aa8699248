"""The Chalice app: HTTP routes and schedules. Thin: the work is in `stampbook`."""

from __future__ import annotations

from chalice.app import Chalice

import stampbook

app = Chalice(app_name="stampbook")


@app.route("/health", methods=["GET"], cors=True)
def health() -> dict[str, str]:
    """Liveness for the load balancer and for `chalice local` smoke tests."""
    return {"status": "ok", "version": stampbook.__version__}
