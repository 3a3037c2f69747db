"""HTTP details of the feed server: dates, validators, fixed responses and safe log paths.

Pure functions and constants: no I/O, no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from engine.frozen import frozen

Headers = tuple[tuple[str, str], ...]

ALLOWED = "GET, HEAD"
RETRY_AFTER_SECONDS = 30
"""How long a client is asked to wait when the database is unavailable: long enough for a
restart or a lock to pass, short enough that a calendar app's next poll succeeds."""

FEED_CACHE_CONTROL = "private, max-age=300"
"""``private``: the feed is one couple's, so no shared cache (proxy, CDN) may keep it.
``max-age=300``: an app (or a phone reopening its calendar) that asks again within five
minutes is answered from its own cache, while an edit still shows within five minutes
for apps that honour it; after that, revalidation with the ETag costs a 304."""

COMMON: Headers = (
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
)


@frozen
class Response:
    """A complete response: status line, headers and body (sent only for GET)."""

    status: str
    headers: Headers
    body: bytes = b""


def _text(status: str, text: str, *extra: tuple[str, str]) -> Response:
    body = text.encode("utf-8")
    headers = (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        *extra,
        *COMMON,
    )
    return Response(status, headers, body)


NOT_FOUND = _text(
    "404 Not Found",
    "There is no calendar at this address. If someone shared it with you, "
    "ask them for a fresh link.\n",
)
"""The one answer for unknown paths and for unknown, revoked or erased feed links alike."""

METHOD_NOT_ALLOWED = _text(
    "405 Method Not Allowed",
    "This address can only be read (GET or HEAD).\n",
    ("Allow", ALLOWED),
)

UNAVAILABLE = _text(
    "503 Service Unavailable",
    "The calendar is taking a short rest. Please try again in a little while.\n",
    ("Retry-After", str(RETRY_AFTER_SECONDS)),
)

SERVER_ERROR = _text(
    "500 Internal Server Error",
    "Something went wrong on our side while preparing the calendar. Please try again later.\n",
)

HEALTHY = _text("200 OK", "ok\n")


def http_date(moment: datetime) -> str:
    """An IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """The instant of an HTTP date, or None when it cannot be read."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value matches ``etag`` by weak comparison (RFC 9110)."""
    if if_none_match == etag:
        return True
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == opaque:
            return True
    return False


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: datetime
) -> bool:
    """Whether a GET or HEAD may be answered 304: ``If-None-Match`` wins when present."""
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if if_modified_since is not None:
        since = parse_http_date(if_modified_since)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value takes gzip (RFC 9110: ``gzip``, ``x-gzip`` or
    ``*``, with a q-value above zero; a named ``gzip;q=0`` refuses it even beside ``*``)."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = weight
    named = [weights[n] for n in ("gzip", "x-gzip") if n in weights]
    if named:
        return max(named) > 0
    return weights.get("*", 0.0) > 0


_TOKENISH = re.compile(r"[A-Za-z0-9_-]{16,}")
_UNPRINTABLE = re.compile(r"[^\x21-\x7e]")
LOG_PATH_MAX = 120


def loggable_path(path: str) -> str:
    """A request path safe for a log line: anything that could be a token is replaced,
    and spaces and control characters cannot forge a second line."""
    cleaned = _UNPRINTABLE.sub("?", _TOKENISH.sub("<token>", path))
    return cleaned if len(cleaned) <= LOG_PATH_MAX else cleaned[:LOG_PATH_MAX] + "..."
