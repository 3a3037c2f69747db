"""The feed server as a plain WSGI application: ``GET``/``HEAD /feeds/<token>.ics`` and
``/healthz``, with the partner's page (``/join/``, ``/me``, ``/static/``; see
:mod:`engine.web.page_app`) mounted beside it. Any WSGI host (waitress, gunicorn, a Flask
or Django app through a dispatcher) can mount the whole.

Every failure becomes a short, warm response: unknown paths and unknown, revoked or
erased links one identical 404; a database that is down or locked a 503 with
``Retry-After`` (the next request simply tries again, so serving resumes by itself);
anything unexpected a 500 without a trace. Tokens never reach a log line: the access log
names the link by the first characters of its id.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.sharing import FEED_PATH, FEED_SUFFIX, token_hash
from engine.errors import NotFound, StoreUnavailable
from engine.web.cache import FeedCache, LogWatch, PositionedCache
from engine.web.http import (
    HEALTHY,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    SERVER_ERROR,
    UNAVAILABLE,
    Response,
    accepts_gzip,
    loggable_path,
    not_modified,
)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from engine.api import Engine
    from engine.views.sharing import FeedTarget
    from engine.web.page_app import PageApp

log = logging.getLogger("engine.web")
access_log = logging.getLogger("engine.web.access")
ACCESS_RECORD = (access_log.name, logging.INFO, __file__, 0, "%s %s %s %d %.1fms")
"""An access line is made with ``makeRecord`` and ``handle``, the two halves of ``info``
without its search for the calling line, which an access line does not need (worth a few
percent of the throughput in ``bench/server.py``)."""

READ_METHODS = frozenset({"GET", "HEAD"})
HEALTH_PATH = "/healthz"
TOKEN_PLACEHOLDER = f"{FEED_PATH}<token>{FEED_SUFFIX}"

RECHECK = timedelta(seconds=1)
"""How long one reading of the log position serves the requests that follow it (see
``engine.web.cache``); ``timedelta(0)`` reads it on every request. Reading it costs a
database round trip (a few hundred microseconds through SQLAlchemy), five times what a
cached answer costs, so a busy server reads it at most once a second."""

HEALTH_WAIT = 1.0
"""Seconds ``/healthz`` waits for the append lock: a writer stuck for longer shows as 503."""

FETCH_RESOLUTION = timedelta(minutes=1)
"""A link's ``last fetched`` time is written at most once a minute, so that a busy link
does not turn its requests into database writes."""


class FeedApp:
    """The WSGI application serving a couple's calendar feeds by sharing link."""

    def __init__(
        self,
        engine: Engine,
        *,
        recheck: timedelta = RECHECK,
        cache_size: int = 1024,
        page: PageApp | None = None,
    ) -> None:
        self.engine = engine
        self.page = page
        self.watch = LogWatch(engine, recheck)
        self.feeds = FeedCache(engine, size=cache_size)
        self._targets: PositionedCache[str, FeedTarget | None] = PositionedCache(cache_size)
        self._fetched: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        if self.page is not None and self.page.handles(path):
            return self.page(environ, start_response)
        shown = path
        try:
            if path == HEALTH_PATH:
                response = self._health() if method in READ_METHODS else METHOD_NOT_ALLOWED
            elif path.startswith(FEED_PATH) and path.endswith(FEED_SUFFIX):
                shown = TOKEN_PLACEHOLDER
                if method not in READ_METHODS:
                    response = METHOD_NOT_ALLOWED
                else:
                    token = path[len(FEED_PATH) : -len(FEED_SUFFIX)]
                    response, link_id = self._feed(token, environ)
                    if link_id is not None:
                        shown = f"{FEED_PATH}<link {link_id[:8]}>{FEED_SUFFIX}"
            else:
                shown = loggable_path(path)
                response = NOT_FOUND
        except StoreUnavailable:
            log.warning("the database is unavailable; answered %s with 503", shown)
            response = UNAVAILABLE
        except NotFound:
            response = NOT_FOUND  # the couple or partner went away after the lookup
        except Exception:
            log.exception("could not serve %s", shown)
            response = SERVER_ERROR
        start_response(response.status, list(response.headers))
        body = b"" if method == "HEAD" else response.body
        if access_log.isEnabledFor(logging.INFO):
            took = (time.perf_counter() - started) * 1000
            shown_method = method if method in READ_METHODS else loggable_path(method)
            details = (shown_method, shown, response.status[:3], len(body), took)
            access_log.handle(access_log.makeRecord(*ACCESS_RECORD, details, None))
        return [body]

    def _health(self) -> Response:
        self.engine.log_position()  # one cheap query: reachable, and the schema is there
        self.engine.store.check_writable(HEALTH_WAIT)  # and a writer gets its turn soon
        return HEALTHY

    def _feed(self, token: str, environ: WSGIEnvironment) -> tuple[Response, str | None]:
        eng = self.engine
        now = eng.now()
        position = self.watch.position(now)
        key = token_hash(token)
        found, target = self._targets.get(position, key)
        if not found:
            target = eng.feed_target(token)
            self._targets.put(position, key, target)
        if target is None:
            return NOT_FOUND, None
        feed = self.feeds.feed(target, position, now)
        self._note_fetch(target, now)
        if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            etag, ok, unchanged = feed.gzip_etag, feed.gzip_ok, feed.gzip_not_modified
        else:
            etag, ok, unchanged = feed.etag, feed.ok, feed.not_modified
        if not_modified(
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
            etag,
            feed.last_modified,
        ):
            return unchanged, target.link_id
        return ok, target.link_id

    def _note_fetch(self, target: FeedTarget, now: datetime) -> None:
        """Record the fetch as the link's ``last fetched``, at most once a minute; a
        database that cannot take the write does not spoil the answer."""
        mine = self._fetched.get(target.link_id)
        if mine is not None and now - mine < FETCH_RESOLUTION:
            return
        stored = target.last_fetched_at
        if mine is None and stored is not None and now - stored < FETCH_RESOLUTION:
            return
        with self._lock:
            if self._fetched.get(target.link_id) is not mine:
                return  # another request has just noted it
            self._fetched[target.link_id] = now
        try:
            self.engine.record_feed_fetch(target.couple_id, target.link_id, now)
        except StoreUnavailable:
            log.warning("could not note the fetch of link %s just now", target.link_id[:8])


def create_app(
    engine: Engine, *, recheck: timedelta = RECHECK, cache_size: int = 1024, page: bool = True
) -> FeedApp:
    """The WSGI application serving ``engine``'s feeds and partner pages; mount it anywhere
    in a host app (``page=False``: the feeds alone).

    ``recheck``: how long one reading of the log serves later requests (default: one
    second; changes made through ``engine`` itself always apply at once).
    ``cache_size``: how many rendered feeds and link lookups are kept.
    """
    from engine.web.page_app import PageApp

    pages = PageApp(engine) if page else None
    return FeedApp(engine, recheck=recheck, cache_size=cache_size, page=pages)
