"""Exports of a couple (JSON and a Markdown keepsake) and the reading of them for import;
imports the domain, projections, events and views, never the services."""
