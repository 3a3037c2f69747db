"""Drift signals: patterns in a couple's history worth a gentle look together.

Pure: no I/O, no clock. Each signal is an observation plus one kind, specific
suggestion, never a score or a verdict. The thresholds (all windows end at ``now``):

- ``checkins_falling``: check-ins (skips count too: letting a ritual go on purpose is
  still tending it) in the last 3 weeks are at most half of the 3 weeks before, and
  there were at least 6 before (about two a week, enough to compare).
- ``repairs_not_accepted``: at least 3 repair attempts from the last 4 weeks have an
  answer, and fewer than half of those answers are "accepted".
- ``uneven_logging``: with two or more partners, at least 10 entries in the last 4
  weeks (check-ins, skips, appreciations, repairs and their answers, pauses, plan
  tasks), and one partner wrote at least 85% of them.
- ``no_shared_ritual``: with two or more partners, 14 days or more since the last
  check-in of a ritual done together (or since the couple began, if there is none).
- ``lasting_drift``: some signal was on now, a week ago and two weeks ago (each judged
  on what was recorded by then); it adds the suggestion of a couples counsellor.

Every window but one ends at most eight weeks back (:func:`horizon`), so a status reads
only the recent weeks of a long log, from the ``logged_weeks`` read model, with the few
events whose effect has no age (rituals' definitions, repairs and their answers, the
couple's first event): :func:`logged_signals`. It says when that is not enough (the
last check-in of a ritual done together lies further back), and the caller then reads
the whole log (:func:`drift_signals`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.events import (
    CoupleCreated,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    RitualAdded,
    RitualEdited,
)
from engine.projections.drift_facts import EntryFacts, entry_facts, facts_of
from engine.projections.insights import CoupleLog, read_log
from engine.views.insights import DriftSignal
from engine.views.wording import count_of, plural

if TYPE_CHECKING:
    from engine.projections.logged_weeks import Entry

FALLING_WINDOW = timedelta(weeks=3)
FALLING_MIN_BEFORE = 6
REPAIR_WINDOW = timedelta(weeks=4)
REPAIR_MIN_ANSWERED = 3
LOGGING_WINDOW = timedelta(weeks=4)
LOGGING_MIN_ENTRIES = 10
LOGGING_SHARE_PERCENT = 85
SHARED_GAP = timedelta(days=14)
LASTING_WEEKS = 3


AGELESS = (
    CoupleCreated.type_name,
    RitualAdded.type_name,
    RitualEdited.type_name,
    RepairAttempted.type_name,
    RepairAnswered.type_name,
)
"""Events read whatever their age: whether a ritual is done together, whether an answer
answers a repair and when the couple began do not fade with time."""


def horizon(now: datetime) -> datetime:
    """The earliest start of a window the signals at ``now`` look through (the check-ins
    of six weeks, judged as of two weeks ago): nothing before it counts but the last
    shared check-in and the ``AGELESS`` events."""
    longest = max(2 * FALLING_WINDOW, REPAIR_WINDOW, LOGGING_WINDOW)
    return now - timedelta(weeks=LASTING_WEEKS - 1) - longest


def drift_signals(
    records: Sequence[RecordedEvent], handles: Mapping[str, str], now: datetime
) -> list[DriftSignal]:
    """The signals on at ``now`` from the whole log (``records``, in log order), plus
    ``lasting_drift`` when drift has lasted for weeks."""

    def log_at(then: datetime) -> CoupleLog:
        return read_log(records if then == now else [r for r in records if r.occurred_at <= then])

    found = _over_weeks(log_at, handles, now)
    assert found is not None  # the whole log always settles them
    return found


def logged_signals(
    entries: Sequence[Entry],
    ageless: Sequence[RecordedEvent],
    handles: Mapping[str, str],
    now: datetime,
    *,
    since: datetime,
    past: bool,
    parts: Sequence[EntryFacts],
) -> list[DriftSignal] | None:
    """:func:`drift_signals` from the ``entries`` that state a moment from ``since`` on
    (every one of them; ``since`` at most :func:`horizon`) and the ``AGELESS`` events,
    all in log order and none undone; None when what is left out could change the
    signals (then read the whole log). ``past``: ``now`` is a moment asked for, so only
    what had occurred by then counts (as the earlier weeks judged for lasting drift).
    ``parts``: :func:`entry_facts` of runs of entries that together are ``entries``
    (a week's each, say, kept by a caller that reads the same weeks again)."""
    facts = facts_of(parts, ageless)

    def log_at(then: datetime) -> CoupleLog | None:
        first_seen: Entry | None = entries[0] if entries else None
        defined, known = ageless, facts.by(None)
        if past or then != now:
            first_seen = next((e for e in entries if e.occurred_at <= then), None)
            defined = [r for r in ageless if r.occurred_at <= then]
            if len(defined) == len(ageless):  # the same definitions: the same facts
                known = facts.by(then)
            else:
                seen = [e for e in entries if e.occurred_at <= then]
                known = facts_of([entry_facts(seen)], defined).by(None)
        firsts: list[RecordedEvent | Entry] = [*defined[:1], *([first_seen] if first_seen else [])]
        first = min(firsts, key=lambda x: x.position, default=None)
        base = read_log(defined)
        checkins, skips, logged = known
        log = replace(
            base,
            began=None if first is None else first.occurred_at,
            checkins=checkins,
            skips=skips,
            entries=(*base.entries, *logged),
        )
        from_couple = isinstance(first, RecordedEvent) and isinstance(first.event, CoupleCreated)
        return log if _complete(log, defined, from_couple, handles, then, since) else None

    return _over_weeks(log_at, handles, now)


def _over_weeks(
    log_at: Callable[[datetime], CoupleLog | None], handles: Mapping[str, str], now: datetime
) -> list[DriftSignal] | None:
    """The signals at ``now``, and ``lasting_drift`` if some signal was on a week and two
    weeks before too, from the facts ``log_at`` finds at each moment (None: it cannot)."""
    log = log_at(now)
    if log is None:
        return None
    signals = signals_at(log, handles, now)
    earlier = [now - timedelta(weeks=n) for n in range(1, LASTING_WEEKS)]
    lasting = bool(signals)
    for then in earlier if signals else ():
        seen = log_at(then)
        if seen is None:
            return None
        if not any_on(seen, handles, then):
            lasting = False
            break
    if lasting:
        signals.append(_lasting())
    return signals


def _complete(
    log: CoupleLog,
    ageless: Sequence[RecordedEvent],
    from_couple: bool,
    handles: Mapping[str, str],
    now: datetime,
    since: datetime,
) -> bool:
    """Whether the signals at ``now`` from ``log`` are those of the whole log: every
    window lies after ``since``, so only ``no_shared_ritual`` can reach back further, to
    the last check-in of a ritual done together (or to when the couple began, if the
    log read starts with the couple's first event: ``from_couple``)."""
    if len(handles) < 2:
        return True
    shared = [c.at for c in log.checkins if c.shared_ritual and c.at <= now]
    if shared:
        return max(shared) >= since  # a later one than anything left out
    ever_shared = any(
        isinstance(r.event, RitualAdded | RitualEdited)
        and r.event.together
        and len(r.event.participants) > 1
        for r in ageless
    )
    # None was done together: the gap runs from the couple's first event, if it is here.
    return not ever_shared and from_couple


def signals_at(log: CoupleLog, handles: Mapping[str, str], now: datetime) -> list[DriftSignal]:
    """The signals the facts show at ``now``, in a fixed order."""
    found = [_falling(log, now), _repairs(log, now)]
    if len(handles) > 1:
        found += [_uneven(log, handles, now), _no_shared(log, now)]
    return [s for s in found if s is not None]


def any_on(log: CoupleLog, handles: Mapping[str, str], now: datetime) -> bool:
    """Whether :func:`signals_at` shows any signal, judging the cheapest first and
    stopping at the first one on (the earlier weeks of lasting drift ask only this)."""
    judged: list[Callable[[], DriftSignal | None]] = []
    if len(handles) > 1:
        judged.append(lambda: _no_shared(log, now))
    judged += [lambda: _repairs(log, now), lambda: _falling(log, now)]
    if len(handles) > 1:
        judged.append(lambda: _uneven(log, handles, now))
    return any(judge() is not None for judge in judged)


def _falling(log: CoupleLog, now: datetime) -> DriftSignal | None:
    moments = [c.at for c in log.checkins] + list(log.skips)
    split, start = now - FALLING_WINDOW, now - 2 * FALLING_WINDOW
    recent = len([at for at in moments if at > split])
    before = len([at for at in moments if start < at <= split])
    if before < FALLING_MIN_BEFORE or 2 * recent > before:
        return None
    return DriftSignal(
        key="checkins_falling",
        observation=(
            f"Check-ins have thinned out: {recent} in the last three weeks, "
            f"after {before} in the three weeks before."
        ),
        suggestion=(
            "If life simply got full, that is all right. When you have a quiet moment, name "
            "the distance together, without looking for whose fault it is, and choose one "
            "small ritual to pick up again this week."
        ),
        facts={"recent": recent, "before": before, "weeks": 3},
    )


def _repairs(log: CoupleLog, now: datetime) -> DriftSignal | None:
    answered = [r for r in log.repairs if r.at > now - REPAIR_WINDOW and r.answer is not None]
    accepted = sum(r.answer == "accepted" for r in answered)
    if len(answered) < REPAIR_MIN_ANSWERED or 2 * accepted >= len(answered):
        return None
    return DriftSignal(
        key="repairs_not_accepted",
        observation=(
            f"Of the {count_of(len(answered), 'repair attempt')} answered in the last four "
            f"weeks, {accepted} {plural('was', accepted)} accepted."
        ),
        suggestion=(
            '"Not yet" is an honest answer, not a failure. Ask each other what makes a '
            "reaching-out easier to take in: a touch, a pause first, other words. Studies "
            "of couples in conflict found that stable couples kept roughly five warm "
            "moments for every hard one, so small kindnesses outside difficult talks help "
            "repairs land too."
        ),
        facts={"answered": len(answered), "accepted": accepted, "weeks": 4},
    )


def _uneven(log: CoupleLog, handles: Mapping[str, str], now: datetime) -> DriftSignal | None:
    since = now - LOGGING_WINDOW
    counts = Counter([pid for at, pid in log.entries if at > since and pid in handles])
    total = sum(counts.values())
    if total < LOGGING_MIN_ENTRIES:
        return None
    partner, most = counts.most_common(1)[0]
    if 100 * most < LOGGING_SHARE_PERCENT * total:
        return None
    return DriftSignal(
        key="uneven_logging",
        observation=(
            f"Over the last four weeks, {handles[partner]} wrote {most} of the {total} entries."
        ),
        suggestion=(
            "Keeping the log can be a quiet act of care, and it can also start to feel "
            "lonely. Ask each other whether the split still feels right; the other partner "
            "might take over the check-ins of one ritual, or you can log them side by side."
        ),
        facts={"partner": handles[partner], "entries": most, "total": total, "weeks": 4},
    )


def _no_shared(log: CoupleLog, now: datetime) -> DriftSignal | None:
    shared = [c.at for c in log.checkins if c.shared_ritual and c.at <= now]
    last = max(shared, default=log.began)
    if last is None or now - last < SHARED_GAP:
        return None
    days = (now - last).days
    observation = (
        f"It has been {days} days since you last logged a ritual you do together."
        if shared
        else f"In the {days} days since you began, no ritual done together has been logged yet."
    )
    return DriftSignal(
        key="no_shared_ritual",
        observation=observation,
        suggestion=(
            "Time apart happens. Choose one small shared moment for the next few days, like "
            "a walk, twenty screen-free minutes or a meal with the phones away, and put it "
            "in the calendar. In one well-known study, couples who stayed together turned "
            "towards each other's small bids for attention about 86% of the time, against "
            "33% for couples who later split: small moments matter."
        ),
        facts={"days": days},
    )


def _lasting() -> DriftSignal:
    return DriftSignal(
        key="lasting_drift",
        observation="Some distance has shown up in your history for three weeks running.",
        suggestion=(
            "That happens to many couples, and it says nothing about how your story goes "
            "on. Naming it together is a good first step; if it keeps feeling stuck, a "
            "couples counsellor can help you find your way back to each other. Asking for "
            "that kind of support is an act of care."
        ),
        facts={"weeks": LASTING_WEEKS},
    )
