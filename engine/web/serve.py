"""Running the feed server on waitress, a pure-Python production WSGI server."""

from __future__ import annotations

import logging
import sys
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

from engine.errors import StoreUnavailable
from engine.frozen import frozen
from engine.web.app import RECHECK, create_app

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from engine.api import Engine

log = logging.getLogger("engine.web")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

TICK_EVERY = timedelta(minutes=5)
"""How often a running server records what time has brought about (see ``Engine.tick``)."""


class Ticker:
    """Calls ``engine.tick()`` every ``every`` in a daemon thread until stopped, so that a plan
    week that begins adds its rituals even when nobody runs a command. A failing tick is
    logged and tried again at the next one; it never stops the server."""

    def __init__(self, engine: Engine, every: timedelta = TICK_EVERY) -> None:
        self._engine = engine
        self._every = every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ritual-tick", daemon=True)
        self.ticks = 0

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def tick_once(self) -> None:
        """One tick, its failure logged rather than raised."""
        try:
            recorded = self._engine.tick()
        except Exception:  # a tick must never take the server down
            log.exception("recording what time brought about failed; trying again later")
        else:
            if recorded:
                log.info("recorded what time brought about for %d plan(s)", len(recorded))
        self.ticks += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick_once()
            self._stop.wait(self._every)


def serve(
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = 4,
    recheck: timedelta = RECHECK,
    tick_every: timedelta = TICK_EVERY,
) -> None:
    """Serve ``engine``'s feeds until interrupted, logging each request to stderr, and tick
    every ``tick_every`` meanwhile."""
    import waitress

    try:
        engine.log_position()  # connect and migrate now rather than on the first request
    except StoreUnavailable:
        log.warning("the database cannot be reached yet; feeds answer 503 until it can")
    app = create_app(engine, recheck=recheck)
    ticker = Ticker(engine, tick_every).start()
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="ritual")
    finally:
        ticker.stop()


def log_to_stderr(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send the access log and the server's messages to stderr (or ``stream``), a line each."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=stream or sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # no migration chatter per start


@frozen
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
