"""Running the feed server on waitress, a pure-Python production WSGI server."""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

from engine.errors import StoreUnavailable
from engine.web.app import RECHECK, create_app

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from engine.api import Engine

log = logging.getLogger("engine.web")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def serve(
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = 4,
    recheck: timedelta = RECHECK,
) -> None:
    """Serve ``engine``'s feeds until interrupted, logging each request to stderr."""
    import waitress

    try:
        engine.log_position()  # connect and migrate now rather than on the first request
    except StoreUnavailable:
        log.warning("the database cannot be reached yet; feeds answer 503 until it can")
    app = create_app(engine, recheck=recheck)
    waitress.serve(app, host=host, port=port, threads=threads, ident="ritual")


def log_to_stderr(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send the access log and the server's messages to stderr (or ``stream``), a line each."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=stream or sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # no migration chatter per start


@dataclass(frozen=True)
class RunningServer:
    """A waitress server answering in a background thread (for tests and benchmarks)."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        """Close every socket from inside the server's own loop (closing them from another
        thread races its ``select``), wait for the loop to end, then for the workers."""
        from waitress import wasyncore

        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()


def start_in_thread(
    app: WSGIApplication, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4
) -> RunningServer:
    """Start ``app`` on waitress in a daemon thread (port 0: a free port); ``stop()`` ends it."""
    import waitress

    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="ritual")
    thread = threading.Thread(target=server.run, name="feed-server", daemon=True)
    thread.start()
    return RunningServer(f"http://{host}:{server.effective_port}", server, thread)
