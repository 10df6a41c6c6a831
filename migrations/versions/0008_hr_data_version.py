"""Indexes for the HR data version that every chat turn reads (see ``stores.hr.HR_DATA_VERSION``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from migrations.sql import execute

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE INDEX hr_imports_finished_at ON hr_imports (finished_at);
        CREATE INDEX hr_imports_running ON hr_imports (id) WHERE status = 'running';
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
