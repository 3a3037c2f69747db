"""The ritual catalog: ready-made templates a couple can start from.

Pure data plus two small lookups and the prompt rotation. No I/O, no clock.

Schedules are 5-field cron expressions in the couple's local time. A template with
``cron=None`` is either a quota ritual (``per_week`` set, no fixed times) or an
occasional one (``per_week=None`` too: done whenever the couple chooses).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from engine.catalog.kinds import RitualKind
from engine.errors import NotFound

__all__ = [
    "CATALOG",
    "Participants",
    "Template",
    "family_of",
    "prompt_for",
    "starter_templates",
    "template",
]

Participants = Literal["both", "each"]
"""``both``: done together; ``each``: every partner on their own."""


@dataclass(frozen=True)
class Template:
    """A ritual as the catalog suggests it; the couple may change anything later."""

    key: str
    title: str
    kind: RitualKind
    summary: str
    cron: str | None
    per_week: int | None
    duration: timedelta | None
    participants: Participants
    reminder: timedelta | None
    prompts: tuple[str, ...]
    starter: bool
    family: str = ""  # templates of one purpose share a family; empty: its own key

    @property
    def kin(self) -> str:
        """The template's family: what it is for, whatever its exact shape."""
        return self.family or self.key


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


# The starter catalog, in its usual order (daily, weekly, monthly, occasional), then the
# templates the 8-week plan introduces (those are never part of the starter set).
CATALOG: tuple[Template, ...] = (
    Template(
        key="morning-micro-check",
        title="Morning micro-check",
        kind="check-in",
        summary="Two minutes over coffee to say what each of you hopes the day will hold.",
        cron="30 7 * * *",
        per_week=None,
        duration=_minutes(2),
        participants="both",
        reminder=None,
        prompts=(
            "What is one thing you hope today brings you?",
            "Is there anything on your plate today that I could make a little lighter?",
            "When might we catch a moment for each other today, even a short one?",
            "What would make this evening good to come home to?",
            "How did you sleep, and what kind of energy are you starting with?",
            "What is one small kindness you could offer yourself today?",
        ),
        starter=True,
    ),
    Template(
        key="evening-one-thing",
        title="Evening one-thing",
        kind="reflection",
        summary="Before bed, each of you shares one thing from the day that mattered.",
        cron="30 21 * * *",
        per_week=None,
        duration=_minutes(5),
        participants="both",
        reminder=None,
        prompts=(
            "Which moment from today would you like me to know about?",
            "What went better today than you expected?",
            "Was there a moment today when you thought of me?",
            "What took the most out of you today, and what gave something back?",
            "What is one thing from today you would like to keep?",
            "What made you smile today, even for a second?",
        ),
        starter=True,
        family="evening-talk",
    ),
    Template(
        key="screen-free-time",
        title="Screen-free time",
        kind="shared-activity",
        summary="Twenty minutes with the phones in another room, to talk or simply sit close.",
        cron="0 20 * * *",
        per_week=None,
        duration=_minutes(20),
        participants="both",
        reminder=_minutes(10),
        prompts=(
            "Shall we start by sitting close for a minute before anyone speaks?",
            "What has been on your mind lately that hasn't had room yet?",
            "Is there a song, a place or a memory you would like to share tonight?",
            "Would you rather talk, stroll, or just be near each other for a while?",
            "What are you looking forward to this month?",
            "What small plan could we make together for the weekend?",
        ),
        starter=False,
    ),
    Template(
        key="gratitude-check-in",
        title="Gratitude check-in",
        kind="appreciation",
        summary="At the end of the day, each of you names one thing you valued in the other.",
        cron="0 22 * * *",
        per_week=None,
        duration=_minutes(2),
        participants="both",
        reminder=None,
        prompts=(
            "What is one thing your partner did today that you were glad of?",
            "When did you feel looked after by your partner today?",
            "Which of your partner's qualities showed up today?",
            "Share a small moment from today when you felt like a team.",
            "What did your partner say or do today that you would love more of?",
            "Thank your partner for something they may think went unnoticed.",
        ),
        starter=False,
    ),
    Template(
        key="distraction-free-check-in",
        title="Distraction-free check-in",
        kind="check-in",
        summary="Twice a week, twenty unhurried minutes to hear how the other is really doing.",
        cron="30 20 * * 2,5",
        per_week=None,
        duration=_minutes(20),
        participants="both",
        reminder=_minutes(10),
        prompts=(
            "How are you, really, since we last sat down like this?",
            "What has felt good between us over the last few days?",
            "Is there anything you have been carrying on your own that you would like to share?",
            "What would help you feel supported before our next check-in?",
            "What is one thing you are proud of since we last talked like this?",
            "What small thing could we look forward to together?",
        ),
        starter=False,
    ),
    Template(
        key="relationship-check",
        title="Relationship check",
        kind="check-in",
        summary="A weekly half hour for how you both feel, what you need, and what is coming up.",
        cron="0 19 * * 0",
        per_week=None,
        duration=_minutes(30),
        participants="both",
        reminder=_minutes(10),
        prompts=(
            "How have you been feeling about us this week?",
            "When did you feel closest to me this week?",
            "Is there a need of yours that could use more room next week?",
            "What is coming up next week that we should plan around together?",
            "Is there anything from this week you would like to talk through gently?",
            "What is one thing I could do next week that would mean a lot to you?",
            "How are we sharing the load at home, and is anything worth adjusting?",
            "What would make next weekend feel restful for both of us?",
        ),
        starter=True,
        family="weekly-check",
    ),
    Template(
        key="shared-joy",
        title="Shared joy",
        kind="shared-activity",
        summary="An hour a week of something you both enjoy, with the phones switched off.",
        cron="0 10 * * 6",
        per_week=None,
        duration=_minutes(60),
        participants="both",
        reminder=_minutes(30),
        prompts=(
            "Pick a recipe neither of you has tried and cook it side by side.",
            "Take a walk somewhere the two of you have never been together.",
            "Dig out a board or card game and play one round more than you planned.",
            "Go back to a place that holds a good memory for you both.",
            "Each suggest something you loved doing as a child, then try one of them.",
            "Put on music you both like and let the hour go wherever it wants.",
        ),
        starter=True,
    ),
    Template(
        key="appreciation-round",
        title="Appreciation round",
        kind="appreciation",
        summary="Ten minutes each week to tell each other what you noticed and valued.",
        cron="45 19 * * 0",
        per_week=None,
        duration=_minutes(10),
        participants="both",
        reminder=_minutes(10),
        prompts=(
            "What did your partner do this week that you noticed and valued?",
            "Share a moment this week when your partner made you laugh or feel at ease.",
            "Which of your partner's efforts this week might have gone unthanked?",
            "What did you see your partner handle well this week?",
            "Tell your partner one way they showed up for you this week.",
            "What do you value about who your partner is, beyond what they did this week?",
        ),
        starter=True,
    ),
    Template(
        key="appreciation-journal",
        title="Appreciation journal",
        kind="appreciation",
        summary="Each of you writes down three appreciations a week, to keep or to share.",
        cron=None,
        per_week=3,
        duration=None,
        participants="each",
        reminder=None,
        prompts=(
            "Write about a moment today when your partner's kindness reached you.",
            "Note something your partner does that you would miss if it stopped.",
            "Describe a quality you admire in your partner, with one recent example.",
            "Write down a small thing your partner did that made life easier.",
            "Recall a time your partner stood by you, and what it meant to you.",
            "What has your partner done lately that you haven't thanked them for yet?",
        ),
        starter=False,
    ),
    Template(
        key="maintenance-meeting",
        title="Monthly maintenance meeting",
        kind="meeting",
        summary="Once a month, half an hour to look after your agreements, time and needs.",
        cron="0 18 * * 0#1",
        per_week=None,
        duration=_minutes(30),
        participants="both",
        reminder=_minutes(30),
        prompts=(
            "Which of our agreements work well, and which could use a small update?",
            "How much time did we have together this month, and how did it feel?",
            "What would you like more of next month?",
            "Which evenings next month shall we keep free for each other?",
            "Which ritual do we want to keep, and which could rest for a while?",
            "What are we quietly proud of as a couple this month?",
        ),
        starter=True,
    ),
    Template(
        key="curiosity-evening",
        title="Curiosity evening",
        kind="shared-activity",
        summary="An evening of taking turns with open questions, to meet each other afresh.",
        cron=None,
        per_week=None,
        duration=_minutes(45),
        participants="both",
        reminder=None,
        prompts=(
            "What is a dream you once had and quietly set aside?",
            "Which day of your life would you happily live again, and why?",
            "What have you changed your mind about in the last few years?",
            "Who shaped the way you love, and how?",
            "What does a really good ordinary day look like for you now?",
            "What small adventure would you like us to have this year?",
            "What do you wish people asked you about more often?",
            "What did you believe about love at twenty that you see differently now?",
        ),
        starter=False,
    ),
    # Introduced by the 8-week plan.
    Template(
        key="weekly-check-15",
        title="Weekly check",
        kind="check-in",
        summary="Fifteen calm minutes each week to see how the two of you are doing.",
        cron="30 20 * * 0",
        per_week=None,
        duration=_minutes(15),
        participants="both",
        reminder=_minutes(10),
        prompts=(
            "What felt good between us this week?",
            "Is there a moment from this week you would like to revisit, gently?",
            "What would help you feel a little closer next week?",
            "What is one thing you appreciated about your partner this week?",
            "Is there anything on next week's calendar we should look at together?",
        ),
        starter=False,
        family="weekly-check",
    ),
    Template(
        key="listening-check",
        title="Listening check",
        kind="check-in",
        summary=(
            "A short daily turn: one of you speaks, the other says back what they heard, "
            "and the first confirms."
        ),
        cron="0 21 * * *",
        per_week=None,
        duration=_minutes(2),
        participants="both",
        reminder=None,
        prompts=(
            "What has been taking up most of your thoughts today?",
            "What is one feeling you carried through today?",
            "What are you looking forward to, and why does it matter to you?",
            "What was the best conversation you had today?",
            "What would you like me to understand about your day?",
            "What is something small you would like to be heard on tonight?",
        ),
        starter=False,
    ),
    Template(
        key="five-open-minutes",
        title="Five open minutes",
        kind="reflection",
        summary="Each evening, one small worry or hope shared while the other simply listens.",
        cron="45 21 * * *",
        per_week=None,
        duration=_minutes(5),
        participants="both",
        reminder=None,
        prompts=(
            "What is one small worry you have been carrying this week?",
            "What is a hope for us that you haven't said out loud yet?",
            "When did you feel a little unsure of yourself today?",
            "What would you like me to know that feels hard to say?",
            "What helps you feel safe enough to talk about tender things?",
            "What are you hoping for right now, however small?",
        ),
        starter=False,
        family="evening-talk",
    ),
    Template(
        key="gentle-touch",
        title="Gentle touch",
        kind="touch",
        summary="On most days, a few minutes of unhurried, non-sexual closeness.",
        cron=None,
        per_week=5,
        duration=_minutes(5),
        participants="both",
        reminder=None,
        prompts=(
            "Share a long, slow hug, long enough to feel each other breathe.",
            "Sit shoulder to shoulder for a few minutes, no screens nearby.",
            "Hold hands on a short walk or across the table.",
            "Offer a hand or shoulder rub, and ask what feels good.",
            "Greet each other at the door with a proper embrace.",
            "Rest against each other on the sofa and let the quiet be enough.",
        ),
        starter=False,
    ),
)

_BY_KEY: dict[str, Template] = {t.key: t for t in CATALOG}


def template(key: str) -> Template:
    """Return the catalog template called ``key``; raise ``NotFound`` if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise NotFound(f"unknown template {key!r}; see `ritual catalog`") from None


def family_of(key: str | None) -> str | None:
    """The family of the template called ``key`` (None for no template or an unknown one)."""
    if key is None:
        return None
    found = next((t for t in CATALOG if t.key == key), None)
    return found.kin if found is not None else key


def starter_templates() -> tuple[Template, ...]:
    """The gentle set that ``ritual init --starter`` creates, in catalog order."""
    return tuple(t for t in CATALOG if t.starter)


_EPOCH = date(1970, 1, 1)


def prompt_for(prompts: Sequence[str], ritual_id: str, at: datetime) -> str | None:
    """Pick the prompt for the occurrence of ``ritual_id`` at ``at``; ``None`` if none.

    Deterministic and independent of ``PYTHONHASHSEED``. With ``n`` prompts and ``d``
    the number of UTC calendar days from 1970-01-01 to ``at`` (a naive ``at`` counts
    as UTC)::

        index = (sha256(ritual_id) + d + (d // 7) * extra) % n

    ``extra`` is 0 unless 7 shares a factor with ``n``; then it is the smallest number
    that makes ``7 + extra`` coprime with ``n``. So the index moves by one each day
    and by a step coprime with ``n`` each week: a daily ritual visits every prompt in
    ``n`` days (``n`` not a multiple of 7) and a weekly one in ``n`` weeks. The hash
    offsets rituals so that two of them do not show matching prompts. A ritual timed
    close to UTC midnight may repeat or skip one prompt when daylight saving shifts.
    """
    n = len(prompts)
    if n == 0:
        return None
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    day = (moment.astimezone(UTC).date() - _EPOCH).days
    seed = int.from_bytes(hashlib.sha256(ritual_id.encode("utf-8")).digest()[:8], "big")
    return prompts[(seed + day + (day // 7) * _weekly_extra(n)) % n]


def _weekly_extra(n: int) -> int:
    extra = 0
    while math.gcd(7 + extra, n) != 1:
        extra += 1
    return extra
