"""Creating couples, their partners and settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.domain import couple as couple_domain
from engine.domain.couple import CoupleState
from engine.domain.text import clean_handle, clean_line
from engine.errors import InvalidInput, NotAllowed
from engine.events import (
    Batch,
    CoupleCreated,
    CoupleSettingsChanged,
    Metadata,
    NewEvent,
    PartnerAdded,
    PartnerRenamed,
)
from engine.facade.core import CoupleRef, Decision, EngineCore, couple_stream, new_id, ritual_stream
from engine.facade.rituals import new_ritual
from engine.schedule import parse_zone
from engine.views import CoupleView

MAX_PARTNERS = 8
MAX_FREEZES = 10


def _check_freezes(freezes_per_month: int) -> int:
    if not 0 <= freezes_per_month <= MAX_FREEZES:
        raise InvalidInput(f"streak freezes per month must be between 0 and {MAX_FREEZES}")
    return freezes_per_month


class CouplesMixin(EngineCore):
    """Couples and partners."""

    def create_couple(
        self,
        name: str,
        partners: Sequence[str],
        tz: str,
        *,
        display_names: Mapping[str, str] | None = None,
        freezes_per_month: int = 1,
        proxy_checkins: bool = False,
        templates: Sequence[str] = (),
    ) -> CoupleView:
        """Start a couple with one or more partners (by handle) in an IANA time zone.

        ``templates`` names catalog rituals (e.g. ``catalog.starter_templates()``' keys)
        the couple starts with. The couple and its rituals are written in one
        transaction: a start that is cut short leaves nothing, so it can be run again.
        """
        title = clean_line(name, "couple name")
        zone = parse_zone(tz).key
        handles = [clean_handle(h) for h in partners]
        if not handles:
            raise InvalidInput("name at least one partner with --partner")
        if len(handles) > MAX_PARTNERS:
            raise InvalidInput(f"a couple has at most {MAX_PARTNERS} partners")
        if len(set(handles)) != len(handles):
            raise InvalidInput("each partner needs a different handle")
        names = {clean_handle(k): v for k, v in (display_names or {}).items()}
        if set(names) - set(handles):
            raise InvalidInput("display names were given for someone who is not a partner")
        if any(
            cid for cid, existing in self._couple_ids() if existing.casefold() == title.casefold()
        ):
            raise NotAllowed("a couple with that name already exists in this database")
        couple_id = new_id()
        events = [
            CoupleCreated(
                couple_id=couple_id,
                name=title,
                time_zone=zone,
                freezes_per_month=_check_freezes(freezes_per_month),
                proxy_checkins=proxy_checkins,
            ),
            *(
                PartnerAdded(
                    partner_id=new_id(),
                    handle=h,
                    display_name=clean_line(names.get(h, h.capitalize()), "display name"),
                )
                for h in handles
            ),
        ]
        now = self.now()
        state = couple_domain.fold(events)
        rituals = [new_ritual(state, now, template=key) for key in templates]
        titles = [r.title.casefold() for r in rituals]
        if len(set(titles)) != len(titles):
            raise InvalidInput("two of those rituals have the same title; name each once")
        metadata = Metadata(actor=None, via=self.via, correlation_id=new_id())
        self.store.append_batches(
            couple_id,
            [
                Batch(couple_stream(couple_id), [NewEvent(e, now) for e in events], 0, metadata),
                *(
                    Batch(ritual_stream(r.ritual_id), [NewEvent(r, now)], 0, metadata)
                    for r in rituals
                ),
            ],
        )
        return self.couple(couple_id)

    def couples(self) -> list[CoupleView]:
        """Every couple in the store, oldest first."""
        return [self.couple(cid) for cid, _ in self._couple_ids()]

    def couple(self, ref: CoupleRef = None) -> CoupleView:
        """One couple by id, id prefix or name; with no argument, the only one."""
        return self.couple_view(self.load_couple(ref))

    def add_partner(
        self, couple: CoupleRef, handle: str, display_name: str | None = None
    ) -> CoupleView:
        """Add a partner to a couple."""

        def decide(state: CoupleState) -> Decision:
            h = clean_handle(handle)
            if any(p.handle == h for p in state.partners):
                raise NotAllowed(f"there is already a partner called '{h}'")
            if len(state.partners) >= MAX_PARTNERS:
                raise NotAllowed(f"a couple has at most {MAX_PARTNERS} partners")
            event = PartnerAdded(
                partner_id=new_id(),
                handle=h,
                display_name=clean_line(display_name or h.capitalize(), "display name"),
            )
            return [event], None

        state, _ = self.couple_command(couple, decide)
        return self.couple(state.couple_id)

    def rename_partner(self, couple: CoupleRef, handle: str, display_name: str) -> CoupleView:
        """Change a partner's display name."""

        name = clean_line(display_name, "display name")

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(handle)
            event = PartnerRenamed(partner_id=partner.partner_id, display_name=name)
            return [event], partner.partner_id

        state, _ = self.couple_command(couple, decide)
        return self.couple(state.couple_id)

    def change_settings(
        self,
        couple: CoupleRef,
        *,
        tz: str | None = None,
        freezes_per_month: int | None = None,
        proxy_checkins: bool | None = None,
    ) -> CoupleView:
        """Change the couple's zone, monthly streak freezes, or proxy check-ins."""

        def decide(state: CoupleState) -> Decision:
            event = CoupleSettingsChanged(
                time_zone=parse_zone(tz).key if tz is not None else state.time_zone,
                freezes_per_month=_check_freezes(
                    state.freezes_per_month if freezes_per_month is None else freezes_per_month
                ),
                proxy_checkins=state.proxy_checkins if proxy_checkins is None else proxy_checkins,
            )
            return [event], None

        state, _ = self.couple_command(couple, decide)
        return self.couple(state.couple_id)
