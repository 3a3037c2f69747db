"""The feed server and the partner's page: WSGI applications over the Engine (a shell,
like the CLI), serving calendar feeds by sharing link.

``create_app(engine)`` returns the application; ``ritual serve`` runs it on waitress,
and a host app can mount it under any prefix (see docs/concepts/sharing-and-server.md).
"""

from engine.web.app import FeedApp, create_app

__all__ = ["FeedApp", "create_app"]
