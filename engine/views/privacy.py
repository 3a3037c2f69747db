"""What an erasure did."""

from __future__ import annotations

from engine.frozen import frozen


@frozen
class ErasureView:
    """What an erasure did."""

    couple_id: str
    partner: str | None  # the handle of the partner who left; None: the whole couple
    keys_destroyed: int
    storage_scrubbed: bool  # the database's own files were rewritten without the keys
