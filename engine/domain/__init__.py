"""The decision-making core, pure: aggregate states folded from events, and pure deciders
that validate a command against a state and return the events to append. Imports the
catalog, the calendar schedule, events and views."""
