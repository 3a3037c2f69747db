"""Plan templates: finite programmes of weeks, each with a theme, tasks and rituals.

Pure data. ``PlanWeek.introduces`` names catalog template keys (see ``engine.catalog.rituals``)
whose rituals begin in that week.
"""

from __future__ import annotations

from engine.catalog import DEFAULT_PLAN
from engine.errors import NotFound
from engine.frozen import frozen

__all__ = ["PLAN_TEMPLATES", "PlanTask", "PlanTemplate", "PlanWeek", "plan_template"]


@frozen
class PlanTask:
    """One thing to do during a week; ``key`` is stable and unique within its plan."""

    key: str
    text: str


@frozen
class PlanWeek:
    """One week of a plan."""

    number: int
    theme: str
    intro: str
    tasks: tuple[PlanTask, ...]
    introduces: tuple[str, ...]


@frozen
class PlanTemplate:
    """A whole programme, offered to a couple as a starting point."""

    key: str
    title: str
    summary: str
    weeks: tuple[PlanWeek, ...]


RECONNECT_8_WEEKS = PlanTemplate(
    key=DEFAULT_PLAN,
    title="Reconnect in eight weeks",
    summary=(
        "Eight weeks of small, steady practices for feeling close again, "
        "at whatever pace suits the two of you."
    ),
    weeks=(
        PlanWeek(
            number=1,
            theme="Noticing where we are",
            intro=(
                "This week is about looking at your relationship together, with kindness. "
                "Nothing needs solving yet; putting it into words is already a step "
                "towards each other."
            ),
            tasks=(
                PlanTask(
                    "w1-letters",
                    "Each of you writes one paragraph about how you feel in the relationship "
                    "right now, in your own words and without blame.",
                ),
                PlanTask(
                    "w1-read-aloud",
                    "Find a quiet half hour to read your paragraphs to each other, and listen "
                    "to the end before saying anything.",
                ),
                PlanTask(
                    "w1-weekly-check",
                    "Choose a regular time for a 15-minute weekly check and hold the first one.",
                ),
            ),
            introduces=("weekly-check-15",),
        ),
        PlanWeek(
            number=2,
            theme="Listening closely",
            intro=(
                "Feeling heard often matters more than finding the right answer. This week "
                "you practise a simple way of listening, a couple of minutes at a time."
            ),
            tasks=(
                PlanTask(
                    "w2-listening-pattern",
                    "Try the listening pattern together: one of you talks for two or three "
                    "minutes, the other says back what they heard, and the first confirms "
                    "or gently adds what was missed.",
                ),
                PlanTask(
                    "w2-daily-listening",
                    "Keep a 2-minute listening check going each day; a short one still counts.",
                ),
                PlanTask(
                    "w2-nightly-appreciation",
                    "Before sleep, tell your partner one thing you appreciated about them "
                    "that day.",
                ),
            ),
            introduces=("listening-check", "gratitude-check-in"),
        ),
        PlanWeek(
            number=3,
            theme="Making hard talks safer",
            intro=(
                "Difficult conversations go better when you have agreed how to hold them. "
                "This week you set your own ground rules and open up a little, one small "
                "piece at a time."
            ),
            tasks=(
                PlanTask(
                    "w3-ground-rules",
                    "Agree on ground rules for difficult talks, such as no interrupting, no "
                    "name-calling, a time limit and the right to pause, and write them down.",
                ),
                PlanTask(
                    "w3-pause-word",
                    "Pick a pause word either of you can use when a talk needs a break, and "
                    "agree how you will come back to it.",
                ),
                PlanTask(
                    "w3-open-minutes",
                    "Each evening, spend five minutes sharing one small worry or hope while "
                    "the other simply listens.",
                ),
            ),
            introduces=("five-open-minutes",),
        ),
        PlanWeek(
            number=4,
            theme="Making room for joy",
            intro=(
                "Closeness grows in good moments as well as in serious talks. This week "
                "is for doing something light together and for noticing what you value "
                "in each other."
            ),
            tasks=(
                PlanTask(
                    "w4-joy-hour",
                    "Choose one low-pressure activity to enjoy together with phones off, "
                    "like cooking, a walk or a game.",
                ),
                PlanTask(
                    "w4-journal",
                    "Each write three appreciations of your partner in your journal; share "
                    "any you like at your weekly check.",
                ),
            ),
            introduces=("shared-joy", "appreciation-journal"),
        ),
        PlanWeek(
            number=5,
            theme="Staying curious",
            intro=(
                "However long you have known each other, there is always more to discover. "
                "This week you ask open questions and enjoy the answers."
            ),
            tasks=(
                PlanTask(
                    "w5-questions",
                    "Over two evenings, take turns with ten open questions about each other, "
                    "about five each evening.",
                ),
                PlanTask(
                    "w5-surprises",
                    "Afterwards, each note one answer that surprised you and tell your "
                    "partner what you learned.",
                ),
            ),
            introduces=("curiosity-evening",),
        ),
        PlanWeek(
            number=6,
            theme="Coming back to touch",
            intro=(
                "Touch can say a lot without words. This week is about gentle, unhurried "
                "closeness, and about talking openly about what each of you would like."
            ),
            tasks=(
                PlanTask(
                    "w6-daily-touch",
                    "On most days, share some non-sexual touch: a long hug, holding hands, "
                    "sitting close.",
                ),
                PlanTask(
                    "w6-desires-talk",
                    "Set aside one calm evening to talk about what each of you enjoys, "
                    "wishes for and would rather not, and listen without pressing.",
                ),
            ),
            introduces=("gentle-touch",),
        ),
        PlanWeek(
            number=7,
            theme="Tending old hurts",
            intro=(
                "Some hurts linger until they are talked through with care. This week you "
                "take on one of them, using the ground rules you made together, and "
                "practise welcoming each other's attempts to make things right."
            ),
            tasks=(
                PlanTask(
                    "w7-repair-talk",
                    "Choose one hurt that still lingers and talk it through once, under your "
                    "ground rules, using your pause word whenever you need it.",
                ),
                PlanTask(
                    "w7-accept-repairs",
                    "When your partner reaches out with an apology, a joke or a touch, "
                    "practise letting it in, even if only part of the way.",
                ),
                PlanTask(
                    "w7-notice-repairs",
                    "At your weekly check, each name one moment when the other reached out.",
                ),
            ),
            introduces=(),
        ),
        PlanWeek(
            number=8,
            theme="Keeping what works",
            intro=(
                "You have tried a lot of small things over these weeks. Now you choose "
                "what to carry forward, and you take time to celebrate the two of you."
            ),
            tasks=(
                PlanTask(
                    "w8-choose-rituals",
                    "Look back over the plan together and choose the weekly and monthly "
                    "rituals you want to keep.",
                ),
                PlanTask(
                    "w8-first-meeting",
                    "Put your first monthly maintenance meeting in the calendar.",
                ),
                PlanTask(
                    "w8-celebrate",
                    "Celebrate the weeks behind you in a way that feels like the two of you.",
                ),
            ),
            introduces=("maintenance-meeting",),
        ),
    ),
)

PLAN_TEMPLATES: tuple[PlanTemplate, ...] = (RECONNECT_8_WEEKS,)

_BY_KEY: dict[str, PlanTemplate] = {p.key: p for p in PLAN_TEMPLATES}


def plan_template(key: str) -> PlanTemplate:
    """Return the plan template called ``key``; raise ``NotFound`` if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(sorted(_BY_KEY))
        raise NotFound(f"unknown plan {key!r}; available plans: {known}") from None
