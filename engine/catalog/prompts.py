"""Which of a ritual's prompts an occurrence shows: a rotation that is the same on
every machine and visits every prompt. Pure: no I/O, no clock."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime

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
