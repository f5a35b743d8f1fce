"""The store: tables, engine and session setup, queries, migrations."""
