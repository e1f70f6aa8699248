"""The local server's access log, without query strings.

Python's HTTP server logs each request line as sent, and the links in
emails carry their signed token in the query (`/points?t=...`): printed,
it would let anyone reading the terminal or a log file use the link.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalDevServer


class PathOnlyLog(ChaliceRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = (getattr(self, "path", None) or "").split("?", 1)[0]
        self.log_message('"%s %s" %s', getattr(self, "command", None) or "-", path, str(code))

    def log_error(self, format: str, *args: Any) -> None:
        # A refused request line is quoted whole in the message: log the status only.
        self.log_message("refused: %s", str(args[0]) if args else "-")


def log_paths_only(server: LocalDevServer, app: Any, config: Any) -> None:
    """Make `server` log each request's method, path and status, nothing more."""
    server.server.RequestHandlerClass = functools.partial(
        PathOnlyLog, app_object=app, config=config
    )
