"""The two-way calendar: each event of a partner's feed links to that occurrence on the
partner's page. Pure: items in, items out.

The link carries no secret and no private text (a ritual id and a UTC time): it opens the
page only in a browser that already holds that partner's session, so a leaked feed still
cannot write anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.calendar.feed_items import FeedItem, TimedItem
from engine.domain.invites import occurrence_path

LINK_LINE = "Check in or let it go from your page: {url}"


def with_page_links(items: Sequence[FeedItem], base_url: str) -> list[FeedItem]:
    """``items`` with a ``URL`` (and a line in the description) on every timed event that
    is not cancelled, pointing at ``base_url``'s page for that occurrence."""
    base = base_url.rstrip("/")
    linked: list[FeedItem] = []
    for item in items:
        if isinstance(item, TimedItem) and item.ritual_id and not item.cancelled:
            url = base + occurrence_path(item.ritual_id, item.start)
            line = LINK_LINE.format(url=url)
            item = replace(item, url=url, description=f"{item.description}\n\n{line}")
        linked.append(item)
    return linked
