"""The click shell, one module per topic of commands; with cli.py, the only code that imports
click. Imports the engine's public surface and its input parsing, never the SQL adapters."""
