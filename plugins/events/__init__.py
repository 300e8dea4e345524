from .events import annotate_events, event_calendar, register

__all__ = ["annotate_events", "event_calendar", "register"]
