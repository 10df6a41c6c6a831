"""Foundation: the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE audit_log (
            id          bigserial PRIMARY KEY,
            occurred_at timestamptz NOT NULL DEFAULT now(),
            actor       text NOT NULL,          -- "user:12" or "client:abc"
            action      text NOT NULL,          -- e.g. "read.payslip"
            subject     text,                   -- whose data: an employee document
            details     jsonb NOT NULL DEFAULT '{}'::jsonb,
            request_id  text
        );
        CREATE INDEX audit_log_subject_idx ON audit_log (subject, occurred_at DESC);
        CREATE INDEX audit_log_actor_idx ON audit_log (actor, occurred_at DESC);
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
