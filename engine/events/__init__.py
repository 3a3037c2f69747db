"""What happened, pure: typed events by topic, their codec and sealing, the store contract and
the memory store. Imports the views and the errors only; the SQL store lives in engine.sql.

Importing this package registers every event type, so any stored event can be decoded.
"""

from engine.events.base import (
    Event,
    event_class,
    event_type,
    registered_types,
    secret,
    secret_fields,
    upcaster,
)
from engine.events.capsules import CapsuleOpened, CapsuleSealed
from engine.events.codec import ERASED, SEALED
from engine.events.connection import (
    AppreciationGiven,
    AppreciationShared,
    RepairAnswered,
    RepairAttempted,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.events.couples import (
    CoupleCreated,
    CoupleSettingsChanged,
    GroundRulesAgreed,
    PartnerAdded,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
)
from engine.events.erasure import CoupleErased, PartnerErased
from engine.events.invites import PartnerInviteIssued, PartnerInviteRevoked
from engine.events.memory_store import MemoryEventStore
from engine.events.plans import (
    PlanFinished,
    PlanPaused,
    PlanResumed,
    PlanStarted,
    PlanTaskDone,
    PlanWeekExtended,
    PlanWeekStarted,
)
from engine.events.records import Batch, Metadata, NewEvent, RecordedEvent
from engine.events.retractions import EntryRetracted, honoured, retractions_stream
from engine.events.rituals import (
    CheckedIn,
    OccurrenceSkipped,
    RitualAdded,
    RitualDefined,
    RitualEdited,
    RitualPaused,
    RitualResumed,
    RitualRetired,
)
from engine.events.sharing import FeedLinkIssued, FeedLinkRevoked
from engine.events.store import EventStore

__all__ = [
    "ERASED",
    "SEALED",
    "AppreciationGiven",
    "AppreciationShared",
    "Batch",
    "CapsuleOpened",
    "CapsuleSealed",
    "CheckedIn",
    "CoupleCreated",
    "CoupleErased",
    "CoupleSettingsChanged",
    "EntryRetracted",
    "Event",
    "EventStore",
    "FeedLinkIssued",
    "FeedLinkRevoked",
    "GroundRulesAgreed",
    "MemoryEventStore",
    "Metadata",
    "NewEvent",
    "OccurrenceSkipped",
    "PartnerAdded",
    "PartnerErased",
    "PartnerInviteIssued",
    "PartnerInviteRevoked",
    "PartnerRenamed",
    "PartnerZoneCleared",
    "PartnerZoneSet",
    "PlanFinished",
    "PlanPaused",
    "PlanResumed",
    "PlanStarted",
    "PlanTaskDone",
    "PlanWeekExtended",
    "PlanWeekStarted",
    "RecordedEvent",
    "RepairAnswered",
    "RepairAttempted",
    "RitualAdded",
    "RitualDefined",
    "RitualEdited",
    "RitualPaused",
    "RitualResumed",
    "RitualRetired",
    "TimeoutCalled",
    "TimeoutEnded",
    "event_class",
    "event_type",
    "honoured",
    "registered_types",
    "retractions_stream",
    "secret",
    "secret_fields",
    "upcaster",
]
