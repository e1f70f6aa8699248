"""`stampbook serve`: the whole API on this machine, on the SQLite store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .api import context
from .bootstrap import App
from .cli_loyalty import with_app

# `functions/app.py`, beside the package: the very app Lambda runs.
FUNCTIONS = Path(__file__).resolve().parents[1]


@click.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@with_app
def serve(app: App, port: int) -> None:
    """Serve the API on http://127.0.0.1:PORT until interrupted."""
    from chalice.config import Config
    from chalice.local import create_local_server

    from .api.access_log import log_paths_only

    sys.path.insert(0, str(FUNCTIONS))
    from app import app as chalice_app

    context.use(app)
    config = Config.create(chalice_app=chalice_app, app_name="stampbook")
    # Loopback only: a laptop in a café must not serve its customer file to the Wi-Fi.
    server = create_local_server(chalice_app, config, "127.0.0.1", port)
    log_paths_only(server, chalice_app, config)  # link tokens ride in query strings
    click.echo(f"Stampbook API on http://127.0.0.1:{port}/  (description: /openapi.json)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
