"""SQL adapters: tables, migrations, the event store, read models and keys at rest. The only
package (with alembic/) that imports sqlalchemy or alembic; only engine.api imports it."""
