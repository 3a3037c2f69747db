"""Suggestions for near misses ("did you mean ...?"), among what the asker may see.

Pure: no I/O. Callers pass only names of the asker's own couple, so a suggestion never
reveals anything of another couple.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from engine.domain.ids import ID_MIN

__all__ = ["ID_MIN", "closest", "did_you_mean"]

CUTOFF = 0.6
"""How alike a name must be to be suggested (difflib's ratio, 0 to 1)."""


def closest(wanted: str, names: Iterable[str]) -> str | None:
    """The one name most like ``wanted`` (case and accents aside), or None."""
    import difflib  # only for a near miss: every command would load it otherwise

    known = {_fold(name): name for name in names}
    found = difflib.get_close_matches(_fold(wanted), list(known), n=1, cutoff=CUTOFF)
    return known[found[0]] if found else None


def did_you_mean(wanted: str, names: Iterable[str]) -> str:
    """``"; did you mean 'sam'?"`` for the closest name, or an empty string."""
    found = closest(wanted, names)
    return f"; did you mean '{found}'?" if found is not None else ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip()).casefold()
