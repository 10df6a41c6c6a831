"""Alembic environment and revisions (raw SQL, forward-only)."""
