"""The application layer: one plain service per topic over a shared Session (load, decide with
the pure domain, append); it may import the domain, projections, feeds, export and events, never
the facade (``engine.api``), the CLI or the web server."""
