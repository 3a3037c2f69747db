"""Ready-made data, pure: the ritual templates, the plan templates and the small vocabularies
(kinds of rituals and repairs) they share. Imports only the errors."""
