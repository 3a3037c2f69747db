"""Running the feed server on waitress, a pure-Python production WSGI server."""

from __future__ import annotations

import logging
import sys
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from engine.errors import StoreUnavailable
from engine.web.app import create_app

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from engine.api import Engine

log = logging.getLogger("engine.web")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def serve(engine: Engine, *, host: str = "127.0.0.1", port: int = 8080, threads: int = 4) -> None:
    """Serve ``engine``'s feeds until interrupted, logging each request to stderr."""
    import waitress

    try:
        engine.log_position()  # connect and migrate now rather than on the first request
    except StoreUnavailable:
        log.warning("the database cannot be reached yet; feeds answer 503 until it can")
    waitress.serve(create_app(engine), host=host, port=port, threads=threads, ident="ritual")


class BatchedStreamHandler(logging.Handler):
    """Writes log lines to a stream in batches, a few times a second, from one thread.

    A plain ``StreamHandler`` takes its lock and makes a system call for every line; with
    several request threads logging at once they queue on that lock, which cost the feed
    server a third of its throughput in ``bench/server.py``. Here a request thread only
    formats its line and appends it to a deque (atomic, no lock); a daemon thread writes
    what has gathered every ``interval`` seconds, and ``flush``/``close`` write the rest,
    so nothing is lost at exit.
    """

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        super().__init__()
        self.stream = stream
        self._interval = interval
        self._lines: deque[str] = deque()
        self._writing = threading.Lock()  # between the writer thread and close(), never requests
        self._closed = threading.Event()
        threading.Thread(target=self._write_periodically, name="log-writer", daemon=True).start()

    def createLock(self) -> None:
        self.lock = None  # emit only appends to a deque

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        with self._writing:
            lines = []
            while self._lines:
                lines.append(self._lines.popleft())
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()

    def close(self) -> None:
        self._closed.set()
        self.flush()
        super().close()

    def _write_periodically(self) -> None:
        while not self._closed.wait(self._interval):
            self.flush()


def log_to_stderr(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send the access log and the server's messages to stderr (or ``stream``), one line
    each, written in batches a few times a second."""
    handler = BatchedStreamHandler(stream or sys.stderr)
    logging.basicConfig(level=level, format=LOG_FORMAT, handlers=[handler], force=True)
    # the format names no thread or process: spare every record from looking them up
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
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
