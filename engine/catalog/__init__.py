"""Ready-made data, pure: the ritual templates, the plan templates and the small vocabularies
(kinds of rituals and repairs) they share. Imports only the errors."""

DEFAULT_PLAN = "reconnect-8-weeks"
"""The key of the plan a couple starts when they name none (``engine.catalog.plans`` holds
it), named here so that the facade's default does not load every plan template."""
