"""What the feed server keeps in memory so that a repeat fetch needs no database at all.

Everything hangs on the position of the newest event in the log. Anything learned while
the log stood at a position stays valid for as long as it stands there, because every
change that matters is an event: a revocation is one (and its ``feed_links`` row changes
in the same transaction), and so is any edit a feed shows.

- :class:`LogWatch` reads that position (one indexed query), and lets one reading serve
  the requests of the next ``recheck`` interval (one second by default): under load the
  database sees one query a second instead of one per request, while a calendar app,
  which fetches every few minutes at most, always meets a fresh reading. Events appended
  through the same Engine (a host app revoking a link) expire the reading at once;
  events from other processes (``ritual share revoke``) apply within the interval.
- :class:`PositionedCache` remembers which token hashes open which link, dropped whenever
  the position moves.
- :class:`FeedCache` keeps rendered feeds by (couple, partner). When the position moves,
  an entry is checked against ``Engine.feed_version`` (the newest event that can change
  that feed) and kept if the feed's own events did not change; it is rendered again when
  they did, or when the couple's local day changed (the feed's window moves daily).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar, cast
from zoneinfo import ZoneInfo

from engine.frozen import frozen
from engine.web.http import COMMON, FEED_CACHE_CONTROL, Headers, Response, http_date

if TYPE_CHECKING:
    from engine.api import Engine
    from engine.views.sharing import FeedTarget

GZIP_LEVEL = 6
"""zlib's default: a feed shrinks to about a tenth in a few milliseconds."""

K = TypeVar("K")
V = TypeVar("V")


class LogWatch:
    """The log's newest position, read at most once per ``recheck`` interval.

    Requests read ``_reading`` without a lock (one attribute read is atomic); only a new
    reading or an expiry takes the lock.
    """

    def __init__(self, engine: Engine, recheck: timedelta) -> None:
        self._engine = engine
        self._recheck = recheck
        self._lock = threading.Lock()
        self._reading: tuple[int, datetime, datetime] | None = None  # position, read, expires
        self._generation = 0  # moves on each expiry, so a reading older than it is not kept
        self._subscribed = False

    def position(self, now: datetime) -> int:
        """The newest position; raises ``StoreUnavailable`` when it cannot be read."""
        reading, generation = self._reading, self._generation
        if reading is not None and reading[1] <= now < reading[2]:
            return reading[0]
        position = self._engine.log_position()
        with self._lock:
            if generation == self._generation:
                self._reading = (position, now, now + self._recheck)
            if not self._subscribed:
                self._subscribed = True
                self._engine.subscribe(self._expire)
        return position

    def _expire(self, batch: object) -> None:
        with self._lock:
            self._generation += 1
            self._reading = None


_MISSING = object()


class PositionedCache(Generic[K, V]):
    """A bounded map whose entries hold only while the log stays at one position.

    ``put`` keeps a value only if the position it was computed at is still the current
    one, so a slow request can never store something older than a change another request
    has already seen. Reads take no lock; when full, the oldest entry goes.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._state: tuple[int, dict[K, V]] = (-1, {})  # (position, entries), replaced whole

    def get(self, position: int, key: K) -> tuple[bool, V | None]:
        """(found, value) for ``key`` at ``position``."""
        current, items = self._state
        if position == current:
            value = items.get(key, _MISSING)
            return (False, None) if value is _MISSING else (True, cast("V", value))
        if position > current:
            with self._lock:
                if position > self._state[0]:
                    self._state = (position, {})
        return False, None

    def put(self, position: int, key: K, value: V) -> None:
        with self._lock:
            current, items = self._state
            if position != current:
                return
            items[key] = value
            if len(items) > self._size:
                del items[next(iter(items))]


@frozen
class RenderedFeed:
    """One rendered feed with its validators and the response headers built once."""

    body: bytes
    etag: str
    last_modified: datetime
    version: int  # Engine.feed_version when it was rendered
    checked_at: int  # the log position at which ``version`` was last confirmed
    day_starts: datetime  # the couple's local day it was rendered for, as UTC instants:
    day_ends: datetime  # the feed's window moves when that day is over
    ok: Response  # the 200, headers built once
    not_modified: Response  # the 304
    gzip_etag: str  # the gzip-encoded body's own strong validator
    gzip_ok: Response  # the 200 with the body gzip-encoded
    gzip_not_modified: Response  # its 304


FeedKey = tuple[str, str | None, str | None]  # (couple id, partner id, page base URL)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _responses(
    body: bytes, etag: str, last_modified: datetime, encoding: Headers = ()
) -> tuple[Response, Response]:
    validators: Headers = (
        ("ETag", etag),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", FEED_CACHE_CONTROL),
        ("Vary", "Accept-Encoding"),
        *COMMON,
    )
    full = (
        ("Content-Type", "text/calendar; charset=utf-8"),
        *encoding,
        ("Content-Length", str(len(body))),
        *validators,
    )
    return Response("200 OK", full, body), Response("304 Not Modified", validators)


class FeedCache:
    """Rendered feeds by (couple, partner), at most ``size`` of them (the oldest go
    first); at most one render per feed at a time."""

    def __init__(self, engine: Engine, size: int = 1024) -> None:
        self._engine = engine
        self._size = size
        self._entries: dict[FeedKey, RenderedFeed] = {}
        self._lock = threading.Lock()
        self._render_locks: dict[FeedKey, threading.Lock] = {}
        self.renders = 0  # how many times a feed was rendered (for tests and the benchmark)

    def _get(self, key: FeedKey) -> RenderedFeed | None:
        return self._entries.get(key)  # no lock: one dict read is atomic

    def _put(self, key: FeedKey, entry: RenderedFeed) -> None:
        with self._lock:
            self._entries[key] = entry
            if len(self._entries) > self._size:
                oldest = next(iter(self._entries))
                del self._entries[oldest]
                self._render_locks.pop(oldest, None)

    def feed(self, target: FeedTarget, position: int, now: datetime) -> RenderedFeed:
        """The feed a link opens, rendered at most once per change or local day.

        Raises ``NotFound`` when the couple no longer exists (an erased couple).
        """
        key = (target.couple_id, target.partner_id, target.base_url)
        entry = self._get(key)
        if entry is not None and entry.day_starts <= now < entry.day_ends:
            if entry.checked_at >= position:
                return entry
            if self._engine.feed_version(target.couple_id) == entry.version:
                confirmed = replace(entry, checked_at=position)
                self._put(key, confirmed)
                return confirmed
        with self._lock:
            render_lock = self._render_locks.setdefault(key, threading.Lock())
        with render_lock:
            fresh = self._get(key)
            if fresh is not None and fresh is not entry and fresh.checked_at >= position:
                return fresh  # another request rendered it while this one waited
            rendered = self._render(target, position, now, previous=entry)
            self._put(key, rendered)
            return rendered

    def _render(
        self, target: FeedTarget, position: int, now: datetime, previous: RenderedFeed | None
    ) -> RenderedFeed:
        eng = self._engine
        couple = eng.couple(target.couple_id)  # NotFound for a couple that is gone
        zone = ZoneInfo(couple.time_zone)
        day = now.astimezone(zone).date()
        day_starts = datetime.combine(day, time(0), zone).astimezone(UTC)
        day_ends = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
        version = eng.feed_version(couple.id)  # read before rendering: never too new
        body = eng.calendar_feed(couple.id, partner=target.partner_id, page_url=target.base_url)
        self.renders += 1
        etag = _etag(body)
        last_modified = _last_modified(eng.event_recorded_at, version, day_starts, previous)
        ok, not_modified = _responses(body, etag, last_modified)
        # mtime=0: the same feed always compresses to the same bytes, so to the same ETag
        packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        gzip_etag = _etag(packed)
        gzip_ok, gzip_not_modified = _responses(
            packed, gzip_etag, last_modified, (("Content-Encoding", "gzip"),)
        )
        return RenderedFeed(
            body=body,
            etag=etag,
            last_modified=last_modified,
            version=version,
            checked_at=position,
            day_starts=day_starts,
            day_ends=day_ends,
            ok=ok,
            not_modified=not_modified,
            gzip_etag=gzip_etag,
            gzip_ok=gzip_ok,
            gzip_not_modified=gzip_not_modified,
        )


def _last_modified(
    recorded_at: Callable[[int], datetime | None],
    version: int,
    day_start: datetime,
    previous: RenderedFeed | None,
) -> datetime:
    """When the feed last changed: its newest event, or the start of the local day whose
    window it shows, whichever is later; never earlier than what was served before.

    The same inputs give the same time, so a restarted server answers the same
    ``Last-Modified`` and ``If-Modified-Since`` keeps working across restarts.
    """
    candidates = [day_start]
    newest = recorded_at(version) if version else None
    if newest is not None:
        candidates.append(newest)
    if previous is not None:
        candidates.append(previous.last_modified)
    return max(candidates).replace(microsecond=0)
