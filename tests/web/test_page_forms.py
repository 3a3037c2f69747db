"""Every form of the page, over HTTP: a valid form writes exactly the expected event; an
invalid one comes back with one clear sentence and writes nothing; a missing or wrong
CSRF token gets 403 and writes nothing; another partner's or couple's ids get 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from engine import Engine, FixedClock, MemoryEventStore
from tests.web.conftest import Count, Home, Page, stamp, text

Form = tuple[str, Callable[[Home], dict[str, str]]]


def _checkin(home: Home) -> dict[str, str]:
    return {"ritual": home.evening.id, "at": stamp(home.evening, home), "closeness": "4"}


def _skip(home: Home) -> dict[str, str]:
    return {"ritual": home.evening.id, "at": stamp(home.evening, home), "reason": "travel"}


def _journal_entry(home: Home) -> str:
    return home.eng.appreciate(home.couple, by="alex", to="sam", text="You made tea.", private=True)


def _repair_by_sam(home: Home) -> str:
    return home.eng.repair(home.couple, by="sam", kind="humour")


def _plan_task(home: Home) -> str:
    view = home.eng.start_plan(home.couple)
    return view.tasks[0].key


VALID: dict[str, tuple[Callable[[Home], dict[str, str]], str, str]] = {
    # form: (fields, the one event it writes, the page it is on)
    "checkin": (_checkin, "ritual.checked_in", "/me"),
    "skip": (_skip, "ritual.skipped", "/me"),
    "appreciate": (lambda h: {"text": "Thanks for the walk."}, "appreciation.given", "/me/words"),
    "share": (lambda h: {"entry": _journal_entry(h)}, "appreciation.shared", "/me/words"),
    "repair": (lambda h: {"kind": "apology"}, "repair.attempted", "/me/together"),
    "answer": (
        lambda h: {"repair": _repair_by_sam(h), "answer": "accepted"},
        "repair.answered",
        "/me/together",
    ),
    "pause": (lambda h: {}, "timeout.called", "/me/together"),
    "task": (lambda h: {"task": _plan_task(h)}, "plan.task_done", "/me/plan"),
}


@pytest.fixture
def page(home: Home) -> Page:
    return home.signed_in("alex")


@pytest.mark.parametrize("form", sorted(VALID))
def test_a_valid_form_writes_exactly_its_event_and_leads_back_with_kind_words(
    home: Home, page: Page, form: str
) -> None:
    fields, event, screen = VALID[form]
    data = {**fields(home), "back": screen}
    before = home.events()
    answer = page.post(form, data)
    assert answer.status_code == 303, text(answer)
    assert answer.headers["Location"].startswith(screen + "?done=")
    assert home.events()[len(before) :] == [event]
    landed = page.get(answer.headers["Location"])
    assert landed.status_code == 200 and 'role="status"' in text(landed)


def test_a_check_in_keeps_the_closeness_note_and_who_may_read_it(home: Home, page: Page) -> None:
    page.post("checkin", {**_checkin(home), "note": "slow tea", "share_note": "on"})
    (note,) = home.eng.notes(home.couple, viewer="sam")
    assert note.text == "slow tea" and note.shared
    line = next(s for s in home.eng.streaks(home.couple) if s.ritual_id == home.evening.id)
    assert any(p.partner == "alex" and p.figures.done == 1 for p in line.partners)


def test_a_quota_ritual_shows_this_weeks_count_and_checks_in_without_a_time(
    home: Home, page: Page
) -> None:
    today = text(page.get("/me"))
    assert "Appreciation journal" in today and "This week: 0 of 3" in today
    answer = page.post("checkin", {"ritual": home.journal.id, "at": ""})
    assert answer.status_code == 303
    assert "This week: 1 of 3" in text(page.get("/me"))


def test_a_private_appreciation_stays_in_the_journal_until_shared(home: Home, page: Page) -> None:
    page.post("appreciate", {"text": "Your laugh.", "private": "on", "back": "/me/words"})
    assert home.eng.journal(home.couple, viewer="sam") == []
    words = text(page.get("/me/words"))
    assert "Your laugh." in words and "Share it with Sam" in words


def test_ending_a_pause_writes_the_end(home: Home, page: Page) -> None:
    home.eng.call_timeout(home.couple, by="sam")
    assert "Sam called a pause" in text(page.get("/me/together"))
    answer = page.post("back", {"back": "/me/together"})
    assert answer.status_code == 303
    assert home.events()[-1] == "timeout.ended"


INVALID: dict[str, tuple[Callable[[Home], dict[str, str]], str, str]] = {
    # form: (fields, words the refusal says, the page it is on)
    "checkin": (lambda h: {**_checkin(h), "closeness": "9"}, "from 1 to 5", "/me"),
    "skip": (lambda h: {**_skip(h), "reason": "x" * 5000}, "reason", "/me"),
    "appreciate": (lambda h: {"text": "   "}, "appreciation", "/me/words"),
    "repair": (lambda h: {"kind": "shouting"}, "unknown repair kind", "/me/together"),
    "answer": (
        lambda h: {"repair": _repair_by_sam(h), "answer": "maybe"},
        "answer with one of",
        "/me/together",
    ),
    "back": (lambda h: {}, "no pause is running", "/me/together"),
}


@pytest.mark.parametrize("form", sorted(INVALID))
def test_an_invalid_form_comes_back_with_one_clear_sentence_and_writes_nothing(
    home: Home, page: Page, form: str, count: Count
) -> None:
    fields, words, screen = INVALID[form]
    data = {**fields(home), "back": screen}
    before = count()
    answer = page.post(form, data)
    assert answer.status_code in (400, 409), text(answer)
    body = text(answer)
    refusal = body.split('class="refused" role="alert">', 1)[1].split("</p>", 1)[0]
    assert words.lower() in refusal.lower()
    assert refusal.endswith(".") and "Traceback" not in body
    assert count() == before


def test_a_refused_form_keeps_what_was_typed(home: Home, page: Page) -> None:
    answer = page.post("checkin", {**_checkin(home), "closeness": "0", "note": "long day"})
    assert answer.status_code == 400
    assert "long day</textarea>" in text(answer)


def test_checking_in_twice_is_refused_kindly(home: Home, page: Page, count: Count) -> None:
    page.post("checkin", _checkin(home))
    before = count()
    again = page.post("checkin", {**_checkin(home), "at": stamp(home.evening, home)})
    assert again.status_code in (303, 400, 409)
    if again.status_code != 303:
        assert count() == before


@pytest.mark.parametrize("form", sorted({*VALID, "back"}))
@pytest.mark.parametrize("token", [None, "forged-token", "wrong"])
def test_a_missing_or_wrong_csrf_token_gets_403_and_writes_nothing(
    home: Home, page: Page, form: str, token: str | None, count: Count
) -> None:
    fields = VALID[form][0] if form in VALID else (lambda h: {})
    data = fields(home)
    before = count()
    answer = page.post(form, data, csrf=token)
    assert answer.status_code == 403
    assert "nothing was saved" in text(answer)
    assert count() == before


def test_another_sessions_csrf_token_does_not_work(home: Home, count: Count) -> None:
    alex = home.signed_in("alex")
    sam = home.signed_in("sam")
    before = count()
    answer = alex.post("pause", {}, csrf=sam.csrf())
    assert answer.status_code == 403 and count() == before


def _other_couple(home: Home) -> tuple[str, str, str]:
    """Ids from another couple in the same store: a ritual, a journal entry, a repair."""
    eng = home.eng
    other = eng.create_couple("Kim & Lee", ["kim", "lee"], "Europe/Berlin")
    ritual = eng.add_ritual(other, "Their walk", cron="0 9 * * *")
    entry = eng.appreciate(other, by="kim", to="lee", text="Kind.", private=True)
    repair = eng.repair(other, by="lee", kind="touch")
    return ritual.id, entry, repair


FOREIGN: dict[str, Callable[[Home], dict[str, str]]] = {
    "checkin (sam's own ritual)": lambda h: {"ritual": h.sams_walk.id, "at": ""},
    "checkin (another couple)": lambda h: {"ritual": _other_couple(h)[0], "at": ""},
    "skip (another couple)": lambda h: {"ritual": _other_couple(h)[0], "at": "20261125T080000Z"},
    "share (sam's journal)": lambda h: {
        "entry": h.eng.appreciate(h.couple, by="sam", to="alex", text="Hm.", private=True)
    },
    "share (another couple)": lambda h: {"entry": _other_couple(h)[1]},
    "answer (alex's own repair)": lambda h: {
        "repair": h.eng.repair(h.couple, by="alex", kind="humour"),
        "answer": "accepted",
    },
    "answer (another couple)": lambda h: {"repair": _other_couple(h)[2], "answer": "accepted"},
    "task (no such task)": lambda h: {"task": "w9-nothing"},
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_another_partners_or_couples_ids_get_404_and_write_nothing(
    home: Home, page: Page, case: str, count: Count
) -> None:
    form = case.split(" ", 1)[0]
    data = FOREIGN[case](home)
    csrf = page.csrf()
    before = count()
    answer = page.post(form, data, csrf=csrf)
    assert answer.status_code == 404, text(answer)
    assert count() == before


def test_an_unknown_form_gets_404(home: Home, page: Page) -> None:
    assert page.post("retire", {}).status_code == 404


def test_the_page_uses_the_engines_clock(home: Home, page: Page) -> None:
    assert "Wednesday 25 November" in text(page.get("/me"))
    home.clock.advance(timedelta(days=1))
    assert "Thursday 26 November" in text(page.get("/me"))


def test_a_form_from_a_session_of_another_store_cannot_write_here(home: Home) -> None:
    clock = FixedClock(home.clock())
    elsewhere = Engine(MemoryEventStore(clock), clock)
    couple = elsewhere.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    url = elsewhere.invite_partner(couple, partner="alex", base_url="https://x.example").url
    assert home.client().get(url.removeprefix("https://x.example")).status_code == 404
