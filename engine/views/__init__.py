"""Return types, pure: the frozen views the Engine returns (plain values, never ORM rows or
sessions), their JSON form (``json``) and the words for them (``wording``). Imports nothing
else of the engine."""

from __future__ import annotations

from engine.views.connection import CapsuleView, JournalEntryView, NoteView
from engine.views.couples import CoupleView, PartnerView
from engine.views.history import HistoryEntry, ReadModelView, UndoView
from engine.views.insights import DriftSignal, InsightsView, WeekInsight
from engine.views.plans import PlanMilestone, PlanRitualView, PlanTaskView, PlanView, PlanWeekView
from engine.views.privacy import ErasureView
from engine.views.rituals import (
    LOCAL_TIME,
    CheckInView,
    RitualView,
    SkipView,
    TemplateView,
    UpcomingView,
)
from engine.views.sharing import FeedLinkView, FeedTarget, IssuedFeedLink
from engine.views.status import HeatmapView, StatusView, TodayItem
from engine.views.streaks import PartnerStreak, StreakLine, StreakView, WeekProgress

__all__ = [
    "LOCAL_TIME",
    "CapsuleView",
    "CheckInView",
    "CoupleView",
    "DriftSignal",
    "ErasureView",
    "FeedLinkView",
    "FeedTarget",
    "HeatmapView",
    "HistoryEntry",
    "InsightsView",
    "IssuedFeedLink",
    "JournalEntryView",
    "NoteView",
    "PartnerStreak",
    "PartnerView",
    "PlanMilestone",
    "PlanRitualView",
    "PlanTaskView",
    "PlanView",
    "PlanWeekView",
    "ReadModelView",
    "RitualView",
    "SkipView",
    "StatusView",
    "StreakLine",
    "StreakView",
    "TemplateView",
    "TodayItem",
    "UndoView",
    "UpcomingView",
    "WeekInsight",
    "WeekProgress",
]
