"""The error tree of the engine.

Every failure the engine reports on purpose is a ``RitualError``; the CLI maps the
branches to exit codes in one place (``cli.RitualGroup``) and the server maps them to
HTTP statuses. Messages are one line, written for the person at the keyboard, and
never contain notes, appreciations, capsule texts or feed tokens::

    RitualError
    ├── InvalidInput            bad input; exit code 2
    │   └── NotFound            an unknown couple, partner, ritual, plan, link ...
    ├── NotAllowed              valid input that the rules refuse; exit code 1
    │   └── DuplicateEvent      an event id reused with other content
    ├── IdempotencyConflict     an idempotency key reused for another command; exit code 3
    ├── ConcurrencyError        someone else wrote the stream first; retry
    └── StoreUnavailable        the database cannot be reached or is locked
        ├── ConnectionLost      the connection failed; a command may have been stored
        └── KeysUnavailable     the master key is missing or does not open the data keys
"""

from __future__ import annotations


class RitualError(Exception):
    """Base class of every error the engine raises on purpose."""

    exit_code = 1


class InvalidInput(RitualError):
    """The input cannot be accepted as given (a usage error)."""

    exit_code = 2


class NotFound(InvalidInput):
    """The input names something that does not exist."""


class NotAllowed(RitualError):
    """The input is well formed, but the couple's current state refuses it."""


class DuplicateEvent(NotAllowed):
    """An event id was appended again with different content."""


class IdempotencyConflict(RitualError):
    """An idempotency key was given again with another command or other arguments."""

    exit_code = 3


class ConcurrencyError(RitualError):
    """A stream moved on between reading it and appending to it."""

    def __init__(self, stream_id: str, expected: int, actual: int | None = None) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"stream {stream_id} changed while this command ran "
            f"(expected version {expected}); please try again"
        )


class StoreUnavailable(RitualError):
    """The event store cannot be reached right now."""


class ConnectionLost(StoreUnavailable):
    """The database could not be reached, or the connection dropped mid-command: the
    command may or may not have been stored. Retrying it with the same idempotency key
    is safe."""


class KeysUnavailable(StoreUnavailable):
    """The data keys cannot be opened: the master key is missing, malformed or not the
    one this database was made with. Nothing is read or written until it is there."""
