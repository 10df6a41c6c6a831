"""Payroll runs, their employees, payslips with explained lines; closed runs are immutable.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        CREATE TABLE payroll_runs (
            id             bigserial PRIMARY KEY,
            period         text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
            group_code     text NOT NULL DEFAULT 'general',
            kind           text NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'adjustment')),
            adjusts_run_id bigint REFERENCES payroll_runs (id),
            status         text NOT NULL DEFAULT 'queued'
                           CHECK (status IN ('queued', 'running', 'completed', 'failed', 'closed')),
            total          integer NOT NULL DEFAULT 0,
            done           integer NOT NULL DEFAULT 0,
            failed         integer NOT NULL DEFAULT 0,
            chunk_size     integer NOT NULL DEFAULT 500,
            error          text,
            requested_by   text,
            created_at     timestamptz NOT NULL DEFAULT now(),
            started_at     timestamptz,
            finished_at    timestamptz,
            closed_at      timestamptz,
            CHECK ((kind = 'adjustment') = (adjusts_run_id IS NOT NULL))
        );
        -- one regular run per group and period: corrections are adjustment runs
        CREATE UNIQUE INDEX payroll_runs_regular_key ON payroll_runs (group_code, period) WHERE kind = 'regular';

        CREATE TABLE payroll_run_employees (
            run_id     bigint NOT NULL REFERENCES payroll_runs (id) ON DELETE CASCADE,
            documento  text NOT NULL,
            chunk      integer NOT NULL,
            status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
            error      text,
            reason     text,
            PRIMARY KEY (run_id, documento)
        );
        CREATE INDEX payroll_run_employees_chunk_idx ON payroll_run_employees (run_id, chunk);

        CREATE TABLE payslips (
            id               bigserial PRIMARY KEY,
            run_id           bigint NOT NULL REFERENCES payroll_runs (id),
            documento        text NOT NULL,
            num_vinculacion  bigint NOT NULL,
            period           text NOT NULL,
            gross            numeric(14,2) NOT NULL,
            deductions       numeric(14,2) NOT NULL,
            net              numeric(14,2) NOT NULL,
            ibc              numeric(14,2) NOT NULL,
            employer_cost    numeric(14,2) NOT NULL,
            difference_net   numeric(14,2),          -- adjustment runs: net minus the adjusted run's
            summary          jsonb NOT NULL,         -- the golden-format payslip without lines
            created_at       timestamptz NOT NULL DEFAULT now(),
            UNIQUE (run_id, documento, num_vinculacion)
        );
        CREATE INDEX payslips_person_idx ON payslips (documento, period, run_id DESC);

        CREATE TABLE payslip_lines (
            payslip_id  bigint NOT NULL REFERENCES payslips (id),
            line_no     smallint NOT NULL,
            code        text NOT NULL,
            label       text NOT NULL,
            category    text NOT NULL,
            amount      numeric(14,2) NOT NULL,
            trace       jsonb NOT NULL,              -- formula, inputs, parameters with dates and sources
            PRIMARY KEY (payslip_id, line_no)
        );

        -- A closed run is immutable: no UPDATE or DELETE of the run, its payslips or lines,
        -- and no new payslips for it, whoever connects (enforced here, not in the code).
        CREATE FUNCTION refuse_closed_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            closed boolean;
            target bigint;
        BEGIN
            IF TG_TABLE_NAME = 'payroll_runs' THEN
                IF OLD.status = 'closed' THEN
                    RAISE EXCEPTION 'la nómina % está cerrada y no se puede modificar', OLD.id
                        USING ERRCODE = 'check_violation';
                END IF;
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            ELSIF TG_TABLE_NAME = 'payslips' THEN
                target := CASE WHEN TG_OP = 'INSERT' THEN NEW.run_id ELSE OLD.run_id END;
            ELSE
                SELECT run_id INTO target FROM payslips
                WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.payslip_id ELSE OLD.payslip_id END;
            END IF;
            SELECT status = 'closed' INTO closed FROM payroll_runs WHERE id = target;
            IF closed THEN
                RAISE EXCEPTION 'la nómina % está cerrada y no se puede modificar', target
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END;
        $$;

        CREATE TRIGGER payroll_runs_closed BEFORE UPDATE OR DELETE ON payroll_runs
            FOR EACH ROW EXECUTE FUNCTION refuse_closed_run_change();
        CREATE TRIGGER payslips_closed BEFORE INSERT OR UPDATE OR DELETE ON payslips
            FOR EACH ROW EXECUTE FUNCTION refuse_closed_run_change();
        CREATE TRIGGER payslip_lines_closed BEFORE UPDATE OR DELETE ON payslip_lines
            FOR EACH ROW EXECUTE FUNCTION refuse_closed_run_change();

        CREATE FUNCTION refuse_closed_run_employee_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT status FROM payroll_runs WHERE id = OLD.run_id) = 'closed' THEN
                RAISE EXCEPTION 'la nómina % está cerrada y no se puede modificar', OLD.run_id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END;
        $$;
        CREATE TRIGGER payroll_run_employees_closed BEFORE UPDATE OR DELETE ON payroll_run_employees
            FOR EACH ROW EXECUTE FUNCTION refuse_closed_run_employee_change();

        -- TRUNCATE bypasses row triggers: refuse it on the payroll tables while a run is closed
        CREATE FUNCTION refuse_truncate_with_closed_runs() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM payroll_runs WHERE status = 'closed') THEN
                RAISE EXCEPTION 'hay nóminas cerradas: % no se puede vaciar', TG_TABLE_NAME
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER payroll_runs_truncate BEFORE TRUNCATE ON payroll_runs
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_with_closed_runs();
        CREATE TRIGGER payslips_truncate BEFORE TRUNCATE ON payslips
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_with_closed_runs();
        CREATE TRIGGER payslip_lines_truncate BEFORE TRUNCATE ON payslip_lines
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_with_closed_runs();

        CREATE TABLE exports (
            id           bigserial PRIMARY KEY,
            run_id       bigint NOT NULL REFERENCES payroll_runs (id),
            format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
            status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
            storage_key  text,
            size_bytes   bigint,
            rows         integer,
            error        text,
            requested_by text,
            created_at   timestamptz NOT NULL DEFAULT now(),
            finished_at  timestamptz
        );
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
