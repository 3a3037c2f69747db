"""How long a calendar feed of 10 rituals over the default window takes to make, and the
largest feed the engine allows.

The baseline is measured in the same run: bare ``icalendar`` building and serialising
the very same events (same properties, same alarms) with nothing else around it. The
figure is the ratio; the goal is at most 1.3 for rendering. Building the items from
the history (the schedule and change tracking) and the whole ``Engine.calendar_feed``
call (reading and decrypting the events too) are shown beside it for scale.

The largest allowed feed: 10 rituals at the floor (hourly), each with a reminder and a
long prompt, over the widest window (366 days back and ahead). It holds the cap of
events (1,000, the nearest to today), stays under the byte cap, and is timed whole and
rendered against bare ``icalendar`` writing the same 1,000 events; its gzip size (what
the feed server sends a client that accepts it) is shown too.

Run from the project folder: ``python bench/feed.py``.
"""

from __future__ import annotations

import gzip
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icalendar import Alarm, Calendar, Event, vDuration

from engine import Engine, FixedClock, MemoryEventStore
from engine.calendar.feed_items import MAX_EVENTS, FeedCalendar, TimedItem
from engine.calendar.ics import MAX_BYTES, render
from engine.calendar.items import FEED_TYPES, feed_items
from engine.services.calendar import MAX_DAYS
from engine.web.cache import GZIP_LEVEL

GOAL = 1.3
RITUALS = [
    ("Morning check", "30 7 * * *"),
    ("Evening one-thing", "30 21 * * *"),
    ("Screen-free time", "0 20 * * *"),
    ("Gratitude", "0 22 * * *"),
    ("Lunch call", "0 12 * * 1-5"),
    ("Check-in", "30 20 * * 2,5"),
    ("Relationship check", "0 19 * * 0"),
    ("Shared joy", "0 10 * * 6"),
    ("Appreciation round", "45 19 * * 0"),
    ("Maintenance meeting", "0 18 * * 0#1"),
]


def largest() -> tuple[Engine, str]:
    """Ten hourly rituals (the floor), a year and more of them, the widest window."""
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    for minute in range(0, 60, 6):
        eng.add_ritual(
            couple,
            f"Hourly pause at :{minute:02}",
            cron=f"{minute} * * * *",
            duration=timedelta(minutes=5),
            reminder=timedelta(minutes=1),
            prompts=["Take one slow breath together and say one kind thing, however small."],
        )
    clock.advance(timedelta(days=400))
    return eng, couple.id


def scenario() -> tuple[Engine, str]:
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    for title, cron in RITUALS:
        eng.add_ritual(
            couple,
            title,
            cron=cron,
            duration=timedelta(minutes=20),
            reminder=timedelta(minutes=10),
            prompts=["What is one thing you would like me to know today?", "How are you, really?"],
        )
    clock.advance(timedelta(days=40))  # a full window behind and ahead
    return eng, couple.id


def bare_icalendar(items: list[TimedItem]) -> bytes:
    """What any app using icalendar directly would write for the same events."""
    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("uid", "bench")
    cal.add("name", "bench")
    cal.add("x-wr-calname", "bench")
    cal.add("refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp)
        event.add("last-modified", item.stamp)
        event.add("sequence", item.sequence)
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.alarm is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", -item.alarm)
            event.add_component(alarm)
        cal.add_component(event)
    ics: bytes = cal.to_ical()
    return ics


def timings(cases: dict[str, Callable[[], object]], rounds: int = 20) -> dict[str, float]:
    """The fastest of ``rounds`` runs of each case, in milliseconds.

    The cases take turns round by round, so a busy machine slows them all alike.
    """
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], (time.perf_counter() - start) * 1000)
    return best


def main() -> None:
    eng, couple_id = scenario()
    now = eng.now()
    history = [(r.recorded_at, r.event) for r in eng.store.read_couple(couple_id, types=FEED_TYPES)]
    items = feed_items(history, now)
    timed = [i for i in items if isinstance(i, TimedItem)]
    meta = FeedCalendar(uid="bench", name="bench")
    assert len(render(meta, items, around=now)) > 0 and len(timed) == len(items)

    ms = timings(
        {
            "baseline": lambda: bare_icalendar(timed),
            "render": lambda: render(meta, items, around=now),
            "build": lambda: feed_items(history, now),
            "whole": lambda: eng.calendar_feed(couple_id),
        }
    )
    baseline, rendering, building, whole = ms["baseline"], ms["render"], ms["build"], ms["whole"]

    print(f"feed of {len(RITUALS)} rituals, 30 days back and 90 ahead: {len(items)} events")
    print(f"bare icalendar, build and serialise:   {baseline:8.1f} ms  (baseline)")
    print(f"engine.calendar.ics.render:                   {rendering:8.1f} ms  "
          f"ratio {rendering / baseline:.2f} (goal <= {GOAL})")  # fmt: skip
    print(f"engine.calendar.items.feed_items (history):  {building:8.1f} ms")
    print(f"Engine.calendar_feed (store to bytes): {whole:8.1f} ms  "
          f"ratio {whole / baseline:.2f}")  # fmt: skip
    print()
    print_largest()


def print_largest() -> None:
    eng, couple_id = largest()
    wide = {"days_back": MAX_DAYS, "days_ahead": MAX_DAYS}
    body = eng.calendar_feed(couple_id, **wide)
    history = [(r.recorded_at, r.event) for r in eng.store.read_couple(couple_id, types=FEED_TYPES)]
    items = feed_items(history, eng.now(), days_back=MAX_DAYS, days_ahead=MAX_DAYS)
    kept = [i for i in items if isinstance(i, TimedItem)]
    kept = sorted(kept, key=lambda i: abs(i.start - eng.now()))[:MAX_EVENTS]
    meta = FeedCalendar(uid="bench", name="bench")
    events = body.count(b"BEGIN:VEVENT")
    assert events == MAX_EVENTS and len(body) < MAX_BYTES
    ms = timings(
        {
            "baseline": lambda: bare_icalendar(kept),
            "render": lambda: render(meta, items, around=eng.now()),
            "whole": lambda: eng.calendar_feed(couple_id, **wide),
        },
        rounds=5,
    )
    packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    print(f"largest allowed feed: 10 hourly rituals, {MAX_DAYS} days back and ahead")
    print(f"  {events:,} events (cap {MAX_EVENTS:,}), {len(body):,} bytes "
          f"(cap {MAX_BYTES:,}), {len(packed):,} bytes gzipped")  # fmt: skip
    print(f"  bare icalendar, the same events:       {ms['baseline']:8.1f} ms  (baseline)")
    print(f"  engine.calendar.ics.render (the nearest):     {ms['render']:8.1f} ms  "
          f"ratio {ms['render'] / ms['baseline']:.2f}")  # fmt: skip
    print(f"  Engine.calendar_feed (store to bytes): {ms['whole']:8.1f} ms  "
          f"ratio {ms['whole'] / ms['baseline']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
