"""The decision-making core: aggregate states folded from events, and pure deciders
that validate a command against a state and return the events to append."""
