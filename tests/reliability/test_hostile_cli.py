"""Hostile input through the command line, on both backends.

Every input either gets a clear one-line error with the right exit code (and the event
count does not move), or is stored and read back exactly as given; hostile titles and
prompts that are stored also come out of `ritual feed` exactly as given, with nothing
injected into the calendar around them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from engine import AppreciationGiven, CheckedIn, Engine
from tests.feed_check import BERLIN, ParsedFeed, parse_feed
from tests.moments import CLI_NOW
from tests.reliability.conftest import CoupleDb, empty_database

USAGE, REFUSED = 2, 1
ADD = ("add", "W")
HOURLY = ("checkin", "Hourly hello", "--by", "sam")
QUOTA = ("checkin", "Quota walk", "--by", "sam")
SEAL = ("capsule", "seal", "--by", "sam")
NOTE = "a private line that must never be echoed"

FILES = {
    "latin1.txt": "Liebe Grüße".encode("latin-1"),
    "binary.bin": b"\xff\xfe\x00\x81garbage",
    "nul.txt": b"hello\x00there",
    "empty.txt": b"",
    "huge.txt": b"x" * 1_000_001,
    "long.txt": b"x" * 20_001,
    "bom.txt": "\ufeffDear future us, keep going.".encode(),
}


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture(scope="module", autouse=True)
def files(couple_db: CoupleDb) -> None:
    for name, data in FILES.items():
        (couple_db.folder / name).write_bytes(data)


# -- refused ---------------------------------------------------------------------------

CLI_REFUSED: list[tuple[str, tuple[str, ...], int, str]] = [
    ("cron out of range", (*ADD, "--cron", "61 * * * *"), USAGE, "cron"),
    ("cron that never fires", (*ADD, "--cron", "0 0 30 2 *"), USAGE, "never"),
    ("cron 31 April", (*ADD, "--cron", "0 0 31 4 *"), USAGE, "never"),
    ("cron with a NUL byte", (*ADD, "--cron", "0 8 * * *\x00"), USAGE, "characters"),
    ("cron of 10,000 stars", (*ADD, "--cron", "*" * 10_000), USAGE, "too long"),
    ("cron @reboot", (*ADD, "--cron", "@reboot"), USAGE, "schedule"),
    ("cron with SQL", (*ADD, "--cron", "0 8 * * *; DROP TABLE events"), USAGE, "schedule"),
    ("zone on Mars", ("settings", "--tz", "Mars/Olympus"), USAGE, "time zone"),
    ("zone as a path", ("settings", "--tz", "../../etc/passwd"), USAGE, "time zone"),
    ("empty zone", ("settings", "--tz", ""), USAGE, "time zone"),
    ("zone localtime", ("settings", "--tz", "localtime"), USAGE, "time zone"),
    ("zone with a NUL", ("settings", "--tz", "Europe/Berlin\x00"), USAGE, "time zone"),
    ("year 1", (*HOURLY, "--at", "0001-01-01T00:00"), USAGE, "far"),
    ("year 9999", ("skip", "Hourly hello", "--at", "9999-12-31T23:59"), USAGE, "far"),
    ("in 2200", (*QUOTA, "--at", "2200-12-31T23:59"), USAGE, "future"),
    ("in 1970", (*HOURLY, "--at", "1970-01-01T00:00"), REFUSED, "no occurrence"),
    ("offset +25:00", (*HOURLY, "--at", "2026-11-23T08:00+25:00"), USAGE, "not a time I can read"),
    ("pause until 9999", ("pause", "Hourly hello", "--until", "9999-12-31"), USAGE, "far"),
    ("pause until 1900", ("pause", "Hourly hello", "--until", "1900-01-01"), USAGE, "far"),
    ("capsule opening in 9999", (*SEAL, "--opens", "9999-12-31", "hi"), USAGE, "far"),
    ("empty title", ("add", "", "--cron", "0 8 * * *"), USAGE, "empty"),
    ("blank title", ("add", " \t ", "--cron", "0 8 * * *"), USAGE, "empty"),
    ("huge title", ("add", "x" * 100_000, "--cron", "0 8 * * *"), USAGE, "longer"),
    ("title with NUL", ("add", "Walk\x00", "--cron", "0 8 * * *"), USAGE, "control"),
    ("title with escape codes", ("add", "Walk\x1b[2J", "--cron", "0 8 * * *"), USAGE, "control"),
    ("title with a VEVENT", ("add", "Walk\r\nBEGIN:VEVENT", "--cron", "0 8 * * *"), USAGE, "line"),
    ("title with U+2028", ("add", "Walk\u2028BEGIN:VEVENT", "--cron", "0 8 * * *"), USAGE, "line"),
    ("title with bidi override", ("add", "Walk\u202e", "--cron", "0 8 * * *"), USAGE, "control"),
    (
        "duration of 10^29 minutes",
        (*ADD, "--cron", "0 8 * * *", "--duration", "9" * 30),
        USAGE,
        "duration",
    ),
    (
        "duration of 10^11 days",
        (*ADD, "--cron", "0 8 * * *", "--duration", "99999999999d"),
        USAGE,
        "duration",
    ),
    (
        "reminder of 10^29 minutes",
        (*ADD, "--cron", "0 8 * * *", "--reminder", "9" * 30),
        USAGE,
        "duration",
    ),
    ("huge per-week", (*ADD, "--per-week", "9" * 25), USAGE, "per-week"),
    ("huge closeness", (*QUOTA, "--closeness", "9" * 25), USAGE, "1 to 5"),
    ("note with escape codes", (*QUOTA, "--note", "\x1b[2J"), USAGE, "control"),
    ("huge note", (*QUOTA, "--note", NOTE * 200), USAGE, "longer"),
    ("empty appreciation", ("appreciate", "--from", "sam", "--to", "alex", "   "), USAGE, "empty"),
    ("empty ground rule", ("rules", "set", ""), USAGE, "empty"),
    ("21 ground rules", ("rules", "set", *["be kind"] * 21), USAGE, "20"),
    ("capsule file in Latin-1", (*SEAL, "--file", "@latin1.txt"), USAGE, "UTF-8"),
    ("capsule file of binary", (*SEAL, "--file", "@binary.bin"), USAGE, "UTF-8"),
    ("capsule file with NUL", (*SEAL, "--file", "@nul.txt"), USAGE, "control"),
    ("empty capsule file", (*SEAL, "--file", "@empty.txt"), USAGE, "empty"),
    ("capsule file over 1 MB", (*SEAL, "--file", "@huge.txt"), USAGE, "longer"),
    ("capsule file over 20,000", (*SEAL, "--file", "@long.txt"), USAGE, "longer"),
    ("missing capsule file", (*SEAL, "--file", "@nowhere.txt"), USAGE, "--file"),
    ("capsule message twice", (*SEAL, "--file", "@bom.txt", "hi"), USAGE, "not both"),
    ("handle with SQL", ("partner", "add", "bob'); DROP TABLE events; --"), USAGE, "handle"),
    ("huge display name", ("partner", "rename", "sam", "x" * 10_000), USAGE, "longer"),
    ("couple named with SQL", ("--couple", "'; DROP TABLE events; --", "list"), USAGE, "no couple"),
    ("ritual named with SQL", ("checkin", "x' OR '1'='1", "--by", "sam"), USAGE, "unknown ritual"),
    ("log limit 0", ("log", "--limit", "0"), USAGE, "--limit"),
    (
        "two repair answers",
        ("repair-response", "abcd", "--by", "alex", "--accepted", "--not-yet"),
        USAGE,
        "exactly one",
    ),
    (
        "unreachable server",
        ("--db", "postgresql+psycopg://nobody@127.0.0.1:9/none", "list"),
        REFUSED,
        "cannot reach",
    ),
    ("not a database URL", ("--db", "nonsense://", "list"), USAGE, "database URL"),
    (
        "a file that is no database",
        ("--db", "sqlite:///@binary.bin", "list"),
        REFUSED,
        "cannot read",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "fragment"), [c[1:] for c in CLI_REFUSED], ids=[c[0] for c in CLI_REFUSED]
)
def test_hostile_command_line_input_gets_one_line_and_writes_nothing(
    couple_db: CoupleDb, args: tuple[str, ...], code: int, fragment: str
) -> None:
    args = tuple(a.replace("sqlite:///@", f"sqlite:///{couple_db.folder}/") for a in args)
    before = couple_db.count()
    result = couple_db.run(*args)
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment.lower() in lines[0].lower()
    assert NOTE not in result.output
    assert couple_db.count() == before


# -- stored and read back exactly ------------------------------------------------------


def title_of(eng: Engine, title: str) -> str:
    return eng.ritual(only(eng), title).title


def last_event(eng: Engine, kind: type[Any]) -> Any:
    couple = eng.couple(only(eng))
    return [r.event for r in eng.store.read_couple(couple.id) if isinstance(r.event, kind)][-1]


SQLISH = "Robert'); DROP TABLE events; --"
SECRET_SQL = "x'; DELETE FROM ritual_data_keys WHERE '1'='1"
VEVENT = "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:surprise\nEND:VEVENT"
LONGEST = "é" * 120

STORED: list[tuple[str, tuple[str, ...], Callable[[Engine], Any], Any]] = [
    (
        "a title that looks like SQL",
        ("add", SQLISH, "--cron", "0 8 * * *"),
        lambda e: title_of(e, SQLISH),
        SQLISH,
    ),
    (
        "a title that is BEGIN:VEVENT",
        ("add", "BEGIN:VEVENT", "--cron", "0 9 * * *"),
        lambda e: title_of(e, "BEGIN:VEVENT"),
        "BEGIN:VEVENT",
    ),
    (
        "a title with joined emoji",
        ("add", "👩‍❤️‍👨 time", "--per-week", "1"),
        lambda e: title_of(e, "👩‍❤️‍👨 time"),
        "👩‍❤️‍👨 time",
    ),
    (
        "a title of exactly 120 letters",
        ("add", LONGEST, "--per-week", "2"),
        lambda e: title_of(e, LONGEST),
        LONGEST,
    ),
    (
        "a note with calendar lines",
        (*QUOTA, "--note", VEVENT),
        lambda e: last_event(e, CheckedIn).note,
        VEVENT,
    ),
    (
        "an appreciation that looks like SQL",
        ("appreciate", "--from", "alex", "--to", "sam", SECRET_SQL),
        lambda e: last_event(e, AppreciationGiven).text,
        SECRET_SQL,
    ),
    (
        "ground rules with quotes and percent",
        ("rules", "set", "no 'always' or \"never\"", "100% %s %(x)s"),
        lambda e: e.ground_rules(only(e)),
        ("no 'always' or \"never\"", "100% %s %(x)s"),
    ),
    (
        "a display name with markup",
        ("partner", "rename", "alex", "<b>Alex</b> & co"),
        lambda e: e.couple(only(e)).partners[1].display_name,
        "<b>Alex</b> & co",
    ),
]


@pytest.mark.parametrize(
    ("args", "read_back", "expected"), [c[1:] for c in STORED], ids=[c[0] for c in STORED]
)
def test_hostile_but_valid_text_is_stored_and_read_back_exactly(
    couple_db: CoupleDb, args: tuple[str, ...], read_back: Callable[[Engine], Any], expected: Any
) -> None:
    before = couple_db.count()
    result = couple_db.run(*args)
    assert result.exit_code == 0, result.output
    assert couple_db.count() > before
    with couple_db.engine() as eng:
        assert read_back(eng) == expected
    log = couple_db.run("log", "--limit", "100", "--json")
    assert "surprise" not in log.output and "data_keys" not in log.output


def test_a_capsule_file_with_a_byte_order_mark_keeps_only_the_letter(couple_db: CoupleDb) -> None:
    assert couple_db.run("capsule", "seal", "--by", "alex", "--file", "@bom.txt").exit_code == 0
    with couple_db.engine() as eng:
        sealed = [r.event for r in eng.store.read_couple(eng.couple(only(eng)).id)][-1]
    assert getattr(sealed, "message", None) == "Dear future us, keep going."


# -- rendered safely in the calendar feed ----------------------------------------------

FEED_COUPLE = 'Sam \\N Alex; "us", BEGIN:VCALENDAR'
DAYS_AHEAD = 3
PLAIN = "Evening walk"

# (id, title, prompt): every one accepted, and shown as given in SUMMARY and DESCRIPTION
FEED_TEXTS: list[tuple[str, str, str]] = [
    ("a plain title", PLAIN, "What made you smile today?"),
    ("SQL", SQLISH, "x' OR '1'='1"),
    ("calendar lines as text", "BEGIN:VEVENT", "END:VCALENDAR"),
    ("properties as text", "SUMMARY:surprise", "DTSTART:19700101T000000Z;VALUE=DATE"),
    ("joined emoji", "👩‍❤️‍👨 time 🫶🏽", "🌙✨ one thing?"),
    ("several scripts", "Zeit für uns · 二人の時間 · وقت معًا", "Ça va ? Как дела? 잘 지냈어?"),
    ("quotes", "\"Us\" time, 'just' us", 'What\'s "enough" for you?'),
    ("semicolons", "walk; talk; tea;", "a;b;;c"),
    ("commas", "walk, talk, tea,", ",,,"),
    ("backslashes", "C:\\New \\N \\n no breaks \\", "\\\\; \\, \\N"),
    ("markup and format codes", "<b>us</b> & co 100% %s {0}", "<script>alert(1)</script>"),
    ("a title folded between emoji", "ü🫶" * 60, "ß" * 300),
]


def starts_of(feed: ParsedFeed, title: str) -> list[datetime | date]:
    return sorted(e.start for e in feed.events if e.summary == title)


@pytest.fixture(scope="module")
def feed(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[bytes, ParsedFeed]]:
    """A couple whose every ritual has a hostile title and prompt, and their feed.

    Every ritual runs daily at the same local time, twelve hours from now, so rituals
    added a moment apart all have the same occurrences in the feed's window.
    """
    folder = tmp_path_factory.mktemp("feed")
    with empty_database(backend, folder) as url:
        db = CoupleDb(url, folder)
        init = ("init", "--name", FEED_COUPLE, "--partner", "sam", "--tz", "Europe/Berlin")
        assert db.run(*init).exit_code == 0
        cron = f"0 {(CLI_NOW.astimezone(BERLIN).hour + 12) % 24} * * *"
        for _, title, prompt in FEED_TEXTS:
            added = db.run("add", title, "--cron", cron, "--duration", "20m", "--reminder", "10m",
                           "--prompt", prompt)  # fmt: skip
            assert added.exit_code == 0, added.output
        window = ("--days-back", "0", "--days-ahead", str(DAYS_AHEAD))
        assert db.run("feed", "--out", "@feed.ics", *window).exit_code == 0
        ics = (folder / "feed.ics").read_bytes()
        yield ics, parse_feed(ics)


def test_a_feed_of_hostile_titles_has_one_event_per_occurrence_and_nothing_injected(
    feed: tuple[bytes, ParsedFeed],
) -> None:
    ics, parsed = feed
    occurrences = starts_of(parsed, PLAIN)
    assert len(occurrences) in (DAYS_AHEAD, DAYS_AHEAD + 1)  # today's may have passed
    assert len(set(occurrences)) == len(occurrences)
    per_title = {title: len(occurrences) for _, title, _ in FEED_TEXTS}
    assert Counter(e.summary for e in parsed.events) == per_title
    assert parsed.name == f"{FEED_COUPLE}: rituals"

    lines = ics.decode("utf-8").split("\r\n")
    events = len(parsed.events)
    assert Counter(line for line in lines if line.startswith(("BEGIN:", "END:"))) == {
        "BEGIN:VCALENDAR": 1,
        "END:VCALENDAR": 1,
        "BEGIN:VEVENT": events,
        "END:VEVENT": events,
        "BEGIN:VALARM": events,
        "END:VALARM": events,
    }
    assert max(len(line.encode()) for line in lines) <= 75, "lines are folded at 75 octets"


@pytest.mark.parametrize(
    ("title", "prompt"), [c[1:] for c in FEED_TEXTS], ids=[c[0] for c in FEED_TEXTS]
)
def test_a_hostile_title_and_prompt_come_out_of_the_feed_exactly_as_given(
    feed: tuple[bytes, ParsedFeed], title: str, prompt: str
) -> None:
    ics, parsed = feed
    events = [e for e in parsed.events if e.summary == title]
    assert starts_of(parsed, title) == starts_of(parsed, PLAIN)
    assert {e.description for e in events} == {f"{prompt}\n\nAbout 20 minutes."}
    assert {e.alarms for e in events} == {(timedelta(minutes=-10),)}
    reminders = [
        str(alarm["DESCRIPTION"])
        for vevent in icalendar.Calendar.from_ical(ics).walk("VEVENT")
        if str(vevent["SUMMARY"]) == title
        for alarm in vevent.walk("VALARM")
    ]
    assert reminders == [title] * len(events)
