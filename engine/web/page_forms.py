"""The forms of the partner's page: each reads its fields, checks that every id it names
is this partner's to use (another partner's or couple's id is a plain 404), and calls the
same public Engine command as the CLI, so every domain rule and its message apply.

A handler returns the key of the words the page shows next (see
``page_context.DONE``), or a :class:`Refused` carrying the one sentence that explains why
nothing was written. Typed text only ever travels in the POST body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING, cast

from engine.errors import (
    IdempotencyConflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    RitualError,
    StoreUnavailable,
)
from engine.frozen import frozen
from engine.views.invites import PageTarget
from engine.web.page_context import parse_stamp

if TYPE_CHECKING:
    from engine.api import Engine
    from engine.catalog.kinds import RepairAnswer, RepairKind

Form = Mapping[str, str]


@frozen
class Refused:
    """Why a form wrote nothing, shown at that form with what was typed kept."""

    form: str
    message: str
    values: dict[str, str] = field(default_factory=dict)
    status: int = 400
    ritual: str = ""  # which ritual's card, for the forms repeated per ritual


Outcome = str | Refused
Handler = Callable[["Engine", PageTarget, Form], Outcome]


def _sentence(error: RitualError) -> str:
    text = str(error).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _typed(form: Form) -> dict[str, str]:
    """What was typed or ticked, to give the form back as it was."""
    return {k: form.get(k, "") for k in ("note", "reason", "text", "share_note", "private")}


def _attempt(name: str, form: Form, run: Callable[[], str], ritual: str = "") -> Outcome:
    """Run an Engine command; a refusal becomes the form's one sentence."""
    values = _typed(form)
    try:
        return run()
    except (NotFound, StoreUnavailable):
        raise
    except InvalidInput as e:
        return Refused(name, _sentence(e), values, 400, ritual)
    except NotAllowed as e:
        return Refused(name, _sentence(e), values, 409, ritual)
    except IdempotencyConflict as e:  # a form's key sent again with other content
        return Refused(name, _sentence(e), values, 422, ritual)


def _my_ritual(eng: Engine, target: PageTarget, ritual_id: str) -> str:
    """``ritual_id`` when it is one of this partner's rituals; NotFound otherwise."""
    for r in eng.rituals(target.couple_id):
        if r.id == ritual_id and target.handle in r.participants:
            return r.id
    raise NotFound("no such ritual on this page")


def _occurrence(form: Form) -> tuple[datetime | None, bool]:
    """The occurrence a form names (None: a quota ritual, or now), and whether it read."""
    value = form.get("at", "").strip()
    if not value:
        return None, True
    at = parse_stamp(value)
    return at, at is not None


def check_in(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    rid = _my_ritual(eng, target, form.get("ritual", ""))
    at, ok = _occurrence(form)
    raw = form.get("closeness", "").strip()
    if not ok:
        return Refused(
            "checkin", "That time could not be read; please try again.", _typed(form), ritual=rid
        )
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 5):
        return Refused("checkin", "Closeness is a number from 1 to 5.", _typed(form), ritual=rid)

    def run() -> str:
        eng.check_in(
            target.couple_id,
            rid,
            by=target.handle,
            occurrence=at,
            closeness=int(raw) if raw else None,
            note=form.get("note") or None,
            note_shared=form.get("share_note") == "on",
            for_both=form.get("for_both") == "on",
        )
        return "checkin"

    return _attempt("checkin", form, run, rid)


def skip(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    rid = _my_ritual(eng, target, form.get("ritual", ""))
    at, ok = _occurrence(form)
    if not ok or at is None:
        return Refused(
            "skip", "Only an occurrence with a set time can be let go.", _typed(form), ritual=rid
        )

    def run() -> str:
        eng.skip(
            target.couple_id,
            rid,
            by=target.handle,
            occurrence=at,
            reason=form.get("reason") or None,
        )
        return "skip"

    return _attempt("skip", form, run, rid)


def appreciate(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    couple = eng.couple(target.couple_id)
    others = [p.handle for p in couple.partners if p.handle != target.handle]
    private = form.get("private") == "on"
    if not others:
        return Refused("appreciate", "Appreciations need a partner to receive them.", status=409)

    def run() -> str:
        eng.appreciate(
            target.couple_id,
            by=target.handle,
            to=others[0],
            text=form.get("text", ""),
            private=private,
        )
        return "journal" if private else "appreciate"

    return _attempt("appreciate", form, run)


def share(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    wanted = form.get("entry", "")
    entries = eng.journal(target.couple_id, viewer=target.handle)
    mine = [j.id for j in entries if j.id == wanted and j.author == target.handle and not j.shared]
    if not mine:
        raise NotFound("no such journal entry on this page")

    def run() -> str:
        eng.share_appreciation(target.couple_id, mine[0], by=target.handle)
        return "share"

    return _attempt("share", form, run)


def repair(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    def run() -> str:
        eng.repair(
            target.couple_id,
            by=target.handle,
            kind=cast("RepairKind", form.get("kind", "")),  # the engine checks the value
            note=form.get("note") or None,
        )
        return "repair"

    return _attempt("repair", form, run)


def answer(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    wanted = form.get("repair", "")
    facts = eng.page_facts(target.couple_id, partner=target.handle)
    if all(r.id != wanted for r in facts.repairs):
        raise NotFound("no such repair attempt on this page")
    reply = form.get("answer", "")

    def run() -> str:
        answer = cast("RepairAnswer", reply)  # the engine checks the value
        eng.respond_to_repair(target.couple_id, wanted, by=target.handle, answer=answer)
        return reply

    return _attempt("answer", form, run)


def pause(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    def run() -> str:
        eng.call_timeout(target.couple_id, by=target.handle)
        return "pause"

    return _attempt("pause", form, run)


def back(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    def run() -> str:
        eng.end_timeout(target.couple_id, by=target.handle)
        return "back"

    return _attempt("back", form, run)


def task(eng: Engine, target: PageTarget, form: Form) -> Outcome:
    wanted = form.get("task", "")
    plan = eng.plan_status(target.couple_id)
    tasks = () if plan is None else (*plan.tasks, *plan.earlier_open)
    if all(t.key != wanted for t in tasks):
        raise NotFound("no such task on this page")

    def run() -> str:
        eng.plan_task_done(target.couple_id, wanted, by=target.handle)
        return "task"

    return _attempt("task", form, run)


FORMS: dict[str, Handler] = {
    "checkin": check_in,
    "skip": skip,
    "appreciate": appreciate,
    "share": share,
    "repair": repair,
    "answer": answer,
    "pause": pause,
    "back": back,
    "task": task,
}
