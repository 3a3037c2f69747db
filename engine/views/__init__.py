"""Return types, pure: the frozen views the Engine returns (plain values, never ORM rows or
sessions), one module per topic, with their JSON form (``json``) and the words for them
(``wording``). Imports nothing else of the engine.

The package itself imports nothing, so a command loads only the views it returns; the
public names are exported from ``engine``.
"""
