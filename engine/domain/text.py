"""Checks for text that people type. Error messages name the field, never its content."""

from __future__ import annotations

import unicodedata
from datetime import date

from engine.errors import InvalidInput

TITLE_MAX = 120
HANDLE_MAX = 32
NOTE_MAX = 4000
LETTER_MAX = 20_000  # capsule messages may be long


_CONTROL = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_LINE_SEPARATORS = frozenset({"Zl", "Zp"})  # U+2028 and U+2029 break lines too


def _has_control(text: str, allow_newlines: bool) -> bool:
    refused = _CONTROL if allow_newlines else _CONTROL | _LINE_SEPARATORS
    for ch in text:
        if allow_newlines and ch in "\n\t":
            continue
        if unicodedata.category(ch) in refused and ch not in "\u200d":
            return True
    return False


def clean_line(value: str, what: str, *, max_len: int = TITLE_MAX) -> str:
    """A one-line text (a title, a name, a label): trimmed, non-empty, printable."""
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise InvalidInput(f"the {what} is empty")
    if len(text) > max_len:
        raise InvalidInput(f"the {what} is longer than {max_len} characters")
    if _has_control(text, allow_newlines=False):
        raise InvalidInput(f"the {what} contains control characters or line breaks")
    return text


def clean_text(value: str, what: str, *, max_len: int = NOTE_MAX) -> str:
    """A free text (a note, an appreciation, a letter): line breaks allowed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(f"the {what} is empty")
    if len(text) > max_len:
        raise InvalidInput(f"the {what} is longer than {max_len} characters")
    if _has_control(text, allow_newlines=True):
        raise InvalidInput(f"the {what} contains control characters")
    return text


def clean_optional_text(value: str | None, what: str, *, max_len: int = NOTE_MAX) -> str | None:
    """Like :func:`clean_text`, but None stays None."""
    return None if value is None else clean_text(value, what, max_len=max_len)


_HANDLE_PUNCTUATION = frozenset("-_")
_SHARED_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA"})  # written together in Japanese


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK, ...)."""
    first = unicodedata.name(ch, "UNKNOWN").split()[0]
    return "CJK" if first in _SHARED_SCRIPTS else first


def clean_handle(value: str) -> str:
    """A partner handle: short; letters of any script (NFC, lower-case), digits, - or _.

    It starts with a letter, has no controls or invisible characters, and keeps to one
    script (so a Cyrillic letter cannot pass for its Latin twin beside Latin letters).
    """
    handle = unicodedata.normalize("NFC", value.strip()).lower()
    handle = unicodedata.normalize("NFC", handle)
    if not handle:
        raise InvalidInput("a partner handle is empty")
    allowed = all(
        unicodedata.category(ch)[0] in "LM"
        or unicodedata.category(ch) == "Nd"
        or ch in _HANDLE_PUNCTUATION
        for ch in handle
    )
    if len(handle) > HANDLE_MAX or not allowed or unicodedata.category(handle[0])[0] != "L":
        raise InvalidInput(
            "a partner handle starts with a letter and uses only letters (of any script), "
            f"digits, - or _, at most {HANDLE_MAX} characters: for example sam, zoë or jürgen"
        )
    scripts = {_script(ch) for ch in handle if unicodedata.category(ch)[0] == "L"}
    if len(scripts) > 1:
        raise InvalidInput(
            "a partner handle keeps to one script, so that no two handles can look alike"
        )
    return handle


EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
"""Dates outside these years are refused: nothing a couple logs or plans lies there."""


def check_within_years(value: date) -> None:
    """Refuse a date or date-time outside the years the engine works with."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput("that date is too far from today")
