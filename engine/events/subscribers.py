"""In-process subscribers of a store, called after each commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.events.records import RecordedEvent

Subscriber = Callable[[Sequence["RecordedEvent"]], None]


class Subscribers:
    """In-process subscribers, called after a commit.

    The events are saved by then, so a subscriber that fails must not make the command
    look failed (a client would retry a saved check-in): its exception is logged on the
    ``engine`` logger, by type only (a message could quote private text), and the next
    subscriber still runs.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def add(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)

        def remove() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return remove

    def notify(self, batch: Sequence[RecordedEvent]) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(batch)
            except Exception as exc:  # the batch is committed whatever happens
                import logging  # only now: loading it costs every command's start

                logging.getLogger("engine").error(
                    "subscriber %s failed with %s on the events at positions %d to %d; "
                    "they are saved, and the other subscribers still ran",
                    getattr(subscriber, "__qualname__", type(subscriber).__qualname__),
                    type(exc).__name__,
                    batch[0].position if batch else 0,
                    batch[-1].position if batch else 0,
                )
