"""Reading a full JSON export back into events, checking everything before anything is
written. Pure: the facade appends what :func:`read_document` returns.

Only a full export can be imported: a per-viewer export leaves out texts and events,
and an import must give back the couple exactly as it was.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from engine.errors import InvalidInput
from engine.events import (
    CoupleCreated,
    CoupleErased,
    Event,
    Metadata,
    PartnerErased,
    event_class,
)
from engine.events.codec import from_plain
from engine.export.checks import check_count, check_events
from engine.export.document import FORMAT, VERSION
from engine.frozen import frozen

MAX_FILE_BYTES = 512 * 1024 * 1024
"""The largest export read: years of daily practice by both partners fit many times over."""

_ID = re.compile(r"^[0-9a-f]{1,40}$")
_STREAM = re.compile(r"^[a-z][a-z_]*-[0-9a-f]{1,40}$")  # ritual-<id>, plan-<id>, ...
_EVENT_ID = re.compile(r"^[0-9a-f-]{1,36}$")


@frozen
class ImportedEvent:
    """An event as it will be appended, with its original identity."""

    stream_id: str
    version: int
    event_id: str
    event: Event
    occurred_at: datetime
    metadata: Metadata
    recorded_at: datetime  # kept by the import: ``--as-of`` and the zones in force need it


@frozen
class ImportPlan:
    """A couple's whole log, checked and ready to append."""

    couple_id: str
    name: str
    events: tuple[ImportedEvent, ...]
    former_partners: tuple[str, ...]  # partner ids whose keys must not survive

    def batches(self) -> list[list[ImportedEvent]]:
        """Runs of events of one stream written together, as they were first appended."""
        runs = itertools.groupby(self.events, key=lambda e: (e.stream_id, e.metadata))
        return [list(run) for _, run in runs]


def _damaged(index: int) -> InvalidInput:
    return InvalidInput(f"event {index} of the file is damaged or incomplete; nothing was imported")


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse_export(data: bytes) -> Any:
    """Parse an export file's bytes as JSON, refusing what is no export in one line.

    Bounded: a file past :data:`MAX_FILE_BYTES`, nesting too deep for the parser, and the
    non-standard constants NaN and Infinity are refused instead of crashing a reader.
    """
    not_export = InvalidInput("that file is not a ritual-engine export")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("that file is far larger than any export; nothing was imported")
    try:
        return json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidInput("that file nests too deeply to be an export") from None
    except (UnicodeDecodeError, ValueError):
        raise not_export from None


def read_document(doc: Any) -> ImportPlan:
    """Check a parsed export and turn it into an :class:`ImportPlan`; InvalidInput otherwise."""
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise InvalidInput("that file is not a ritual-engine export")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise InvalidInput("that file is not a ritual-engine export")
    if version > VERSION:
        raise InvalidInput(
            "that export comes from a newer ritual-engine; update this one to import it"
        )
    if doc.get("full") is not True:
        raise InvalidInput(
            "this export shows one view only; moving a couple needs a full export "
            "(`ritual export --full`)"
        )
    raw = doc.get("events")
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("that export holds no events; nothing was imported")
    check_count(len(raw))
    events = [_read_event(i, item) for i, item in enumerate(raw, start=1)]
    first = events[0].event
    if not isinstance(first, CoupleCreated) or not _ID.match(first.couple_id):
        raise _damaged(1)
    _check_log(first.couple_id, events)
    check_events(first.couple_id, events)
    former = tuple(e.event.partner_id for e in events if isinstance(e.event, PartnerErased))
    return ImportPlan(first.couple_id, first.name, tuple(events), former)


def _read_event(index: int, item: Any) -> ImportedEvent:
    if not isinstance(item, Mapping):
        raise _damaged(index)
    try:
        cls = event_class(str(item["type"]))
    except (KeyError, ValueError):
        raise InvalidInput(
            f"event {index} of the file is of a kind this ritual-engine does not know; "
            "update it and try again"
        ) from None
    try:
        schema, version = item["schema"], item["version"]
        meta = item["metadata"]
        if not (
            isinstance(schema, int)
            and 1 <= schema <= cls.schema
            and isinstance(version, int)
            and version >= 1
            and isinstance(meta, Mapping)
            and all(isinstance(meta.get(k), str | None) for k in ("actor", "correlation_id"))
            and isinstance(meta.get("via", "api"), str)
            and _EVENT_ID.match(str(item["event_id"]))
            and isinstance(item["data"], Mapping)
        ):
            raise ValueError
        occurred_at = datetime.fromisoformat(str(item["occurred_at"]))
        recorded_at = datetime.fromisoformat(str(item["recorded_at"]))
        if occurred_at.tzinfo is None or recorded_at.tzinfo is None:
            raise ValueError
        recorded_at = recorded_at.astimezone(UTC)
        if not isinstance(item["stream_id"], str):
            raise ValueError
        event = from_plain(cls.type_name, schema, dict(item["data"]))
    except (KeyError, ValueError, TypeError, OverflowError, RecursionError):
        raise _damaged(index) from None
    return ImportedEvent(
        stream_id=str(item["stream_id"]),
        version=version,
        event_id=str(item["event_id"]),
        event=event,
        occurred_at=occurred_at,
        metadata=Metadata.from_json(dict(meta)),
        recorded_at=recorded_at,
    )


def _check_log(couple_id: str, events: list[ImportedEvent]) -> None:
    """Streams of this couple only, versions counting up from 1, ids used once, and record
    times that never go back within a stream (a store appends a stream in order)."""
    versions: dict[str, int] = {}
    recorded: dict[str, datetime] = {}
    seen: set[str] = set()
    for index, e in enumerate(events, start=1):
        if e.recorded_at < recorded.get(e.stream_id, e.recorded_at):
            raise InvalidInput(
                f"event {index} of the file was recorded before the event it follows; "
                "nothing was imported"
            )
        recorded[e.stream_id] = e.recorded_at
        if (
            not _STREAM.match(e.stream_id)
            or (e.stream_id.startswith("couple-") and e.stream_id != f"couple-{couple_id}")
            or e.version != versions.get(e.stream_id, 0) + 1
            or e.event_id in seen
            or isinstance(e.event, CoupleErased)
            or (index > 1 and isinstance(e.event, CoupleCreated))
        ):
            raise _damaged(index)
        versions[e.stream_id] = e.version
        seen.add(e.event_id)
