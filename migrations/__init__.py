"""Numbered, idempotent migrations of the service's own: `mNNNN_name.py`, each with NAME and
up(db, now). app/services/migrations.py applies the pending ones in order and records them
in `bulkimport_migrations`; `bulk-import-server migrate` runs it (the embedded database is
migrated at start)."""
