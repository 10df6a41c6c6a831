"""Trace templates stored once; payslip lines keep a compact trace that refers to them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE trace_templates (
            key      text PRIMARY KEY,          -- sha1 of the formula and its input names/formats
            formula  text NOT NULL,             -- Spanish, with {placeholders}
            inputs   jsonb NOT NULL             -- [[name, format], ...] in the order of the values
        );
        COMMENT ON COLUMN payslip_lines.trace IS
            '[template key, [input values], [[parameter, effective_from], ...]]; see trace_templates';
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
