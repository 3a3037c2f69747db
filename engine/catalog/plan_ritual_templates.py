"""The templates the 8-week plan introduces along the way (never part of the starter
set). Pure data."""

from __future__ import annotations

from engine.catalog.templates import Template, minutes

PLAN_ONLY: tuple[Template, ...] = (
    Template(
        key="weekly-check-15",
        title="Weekly check",
        kind="check-in",
        summary="Fifteen calm minutes each week to see how the two of you are doing.",
        cron="30 20 * * 0",
        per_week=None,
        duration=minutes(15),
        participants="both",
        reminder=minutes(10),
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
        duration=minutes(2),
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
        duration=minutes(5),
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
        duration=minutes(5),
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
