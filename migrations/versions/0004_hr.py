"""HR data mirrored from the HR system's exports, imports, vacation requests, employer settings.

One table per export file; columns are the export's columns in snake case (the fields of
``chatnomina.hr.rows``) and the primary key is each file's natural key, so importing the
same files twice changes nothing and a newer export updates what changed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from migrations.sql import execute

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute(
        """
        -- ACTIVOS_HM.TXT
        CREATE TABLE hr_employees (
            tipo_documento           text,
            documento                text NOT NULL,
            num_vinculacion          bigint NOT NULL,
            nombre1                  text,
            nombre2                  text,
            apellido1                text,
            apellido2                text,
            nombre_completo          text NOT NULL,
            fecha_nacimiento         date,
            edad                     integer,
            sexo                     text,
            cod_posicion             text,
            nombre_posicion          text,
            dependencia              text,
            cenco_principal          text,
            fecha_ingreso            date NOT NULL,
            fecha_vencimiento        date,
            tipo_contratacion        text,
            eps                      text,
            subtipo_cotizante        text,
            afp                      text,
            cesantias                text,
            fecha_sueldo             date,
            sueldo                   numeric(14,2) NOT NULL,
            documento_jefe           text,
            nombre_jefe              text,
            correo_institucional     text,
            correo_personal          text,
            telefono_movil           text,
            direccion                text,
            esquema                  text,
            tarifa                   text,
            fecha_ini_tarifa         date,
            valor_tarifa             numeric(14,2),
            cuenta                   text,
            tipo_cuenta              text,
            banco                    text,
            cuenta_nomina            boolean,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (documento)
        );
        -- VINCULACION_HM.TXT
        CREATE TABLE hr_contracts (
            documento                text NOT NULL,
            num_vinculacion          bigint NOT NULL,
            fecha_ingreso            date NOT NULL,
            fecha_retiro             date,
            motivo_contratacion      text,
            motivo_retiro            text,
            nivel_contratacion       text,
            tipo_vinculacion         text,
            dedicacion               text,
            area                     text,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion)
        );
        CREATE INDEX hr_contracts_documento_idx ON hr_contracts (documento);
        -- HISTORICO_SUELDO_HM.TXT
        CREATE TABLE hr_salary_periods (
            num_vinculacion          bigint NOT NULL,
            documento                text NOT NULL,
            nombre_completo          text,
            fecha_inicio_sueldo      date NOT NULL,
            fecha_fin_sueldo         date,
            sueldo                   numeric(14,2) NOT NULL,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, fecha_inicio_sueldo)
        );
        CREATE INDEX hr_salary_periods_documento_idx ON hr_salary_periods (documento);
        -- CONSIGNACIONES_HM.TXT
        CREATE TABLE hr_deposits (
            num_vinculacion          bigint NOT NULL,
            documento                text NOT NULL,
            nombre_completo          text,
            ingresos                 numeric(14,2) NOT NULL,
            descuentos               numeric(14,2) NOT NULL,
            valor_consignacion       numeric(14,2) NOT NULL,
            cod_procedencia          text NOT NULL,
            cod_nomina               text NOT NULL,
            tipo_cuenta              text,
            num_cuenta               text,
            cod_banco                text,
            banco                    text,
            cod_bancolombia          text,
            fecha_consignacion       date NOT NULL,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, cod_nomina, cod_procedencia)
        );
        CREATE INDEX hr_deposits_documento_idx ON hr_deposits (documento);
        -- NOVEDADES_HM.TXT
        CREATE TABLE hr_novelties (
            num_vinculacion          bigint NOT NULL,
            documento                text NOT NULL,
            nombre_completo          text,
            cod_concepto             text NOT NULL,
            fecha_inicio             date NOT NULL,
            fecha_fin                date,
            fecha_ocurrencia         date,
            estado                   text NOT NULL,
            valor                    numeric(14,2) NOT NULL,
            valor_total              numeric(14,2),
            valor_acumulado          numeric(14,2),
            observacion              text,
            cenco                    text,
            tipo_novedad             text NOT NULL,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, cod_concepto, fecha_inicio)
        );
        CREATE INDEX hr_novelties_documento_idx ON hr_novelties (documento);
        -- AUSENTISMO_HM.TXT
        CREATE TABLE hr_absences (
            num_vinculacion          bigint NOT NULL,
            documento                text NOT NULL,
            nombre_completo          text,
            cod_ausencia_tipo        text NOT NULL,
            cod_ausencia_subtipo     text,
            ausencia_subtipo         text,
            dias_calendario          integer,
            tipo_disfrute            text,
            fecha_inicio             date NOT NULL,
            fecha_fin                date NOT NULL,
            dias                     numeric(8,2),
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, cod_ausencia_tipo, fecha_inicio)
        );
        CREATE INDEX hr_absences_documento_idx ON hr_absences (documento);
        -- VACACIONES_DERECHO_HM.TXT
        CREATE TABLE hr_vacation_entitlements (
            num_vinculacion          bigint NOT NULL,
            periodo                  text NOT NULL,
            estado                   text,
            dias_derecho             numeric(8,2) NOT NULL,
            dias_disfrute            numeric(8,2) NOT NULL,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, periodo)
        );
        -- CUENTAS_BANCARIAS_HM.TXT
        CREATE TABLE hr_bank_accounts (
            num_vinculacion          bigint NOT NULL,
            documento                text NOT NULL,
            nombre_completo          text,
            fecha_cuenta             date NOT NULL,
            cuenta_nomina            boolean NOT NULL,
            banco                    text NOT NULL,
            tipo_cuenta              text,
            num_cuenta               text NOT NULL,
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, fecha_cuenta)
        );
        CREATE INDEX hr_bank_accounts_documento_idx ON hr_bank_accounts (documento);
        -- VALIDADOR_RETENCION.TXT
        CREATE TABLE hr_withholdings (
            cod_nomina               text NOT NULL,
            regimen_salarial         text,
            unidad_ejecutora         text,
            documento                text NOT NULL,
            num_vinculacion          bigint NOT NULL,
            ingresos                 numeric(14,2) NOT NULL,
            total_sal                numeric(14,2) NOT NULL,
            total_pension            numeric(14,2) NOT NULL,
            bonos_no_gravados        numeric(14,2) NOT NULL,
            bonos_gravados           numeric(14,2) NOT NULL,
            dependientes             numeric(14,2) NOT NULL,
            medicina_prepagada       numeric(14,2) NOT NULL,
            vivienda                 numeric(14,2) NOT NULL,
            porcentaje_ret           numeric(9,4) NOT NULL,
            aporte_fvol              numeric(14,2) NOT NULL,
            aporte_afc               numeric(14,2) NOT NULL,
            ret_fuente               numeric(14,2) NOT NULL,
            proced                   text NOT NULL,
            ingreso_calculado_sist   numeric(14,2),
            import_id                bigint,
            updated_at               timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (num_vinculacion, cod_nomina, proced)
        );
        CREATE INDEX hr_withholdings_documento_idx ON hr_withholdings (documento);
        CREATE INDEX hr_employees_jefe_idx ON hr_employees (documento_jefe);

        CREATE TABLE hr_imports (
            id            bigserial PRIMARY KEY,
            source        text NOT NULL CHECK (source IN ('cli', 'upload', 'demo')),
            status        text NOT NULL DEFAULT 'queued'
                          CHECK (status IN ('queued', 'running', 'completed', 'completed_with_rejects', 'failed')),
            requested_by  text,
            storage_key   text,                     -- S3 prefix of uploaded files
            files         jsonb NOT NULL DEFAULT '[]'::jsonb,   -- per-file counts
            rejected      jsonb NOT NULL DEFAULT '[]'::jsonb,   -- "FILE:LINE: reason" lines
            rejected_count integer NOT NULL DEFAULT 0,
            error         text,
            created_at    timestamptz NOT NULL DEFAULT now(),
            started_at    timestamptz,
            finished_at   timestamptz
        );

        CREATE TABLE vacation_requests (
            id               bigserial PRIMARY KEY,
            documento        text NOT NULL,
            num_vinculacion  bigint NOT NULL,
            start_date       date NOT NULL,
            end_date         date NOT NULL,
            working_days     numeric(8,2) NOT NULL CHECK (working_days > 0),
            reason           text,
            status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
            approver_document text,
            requested_by     bigint REFERENCES users (id),
            decided_by       bigint REFERENCES users (id),
            decided_at       timestamptz,
            decision_note    text,
            created_at       timestamptz NOT NULL DEFAULT now(),
            CHECK (end_date >= start_date)
        );
        CREATE INDEX vacation_requests_person_idx ON vacation_requests (documento, start_date);
        CREATE INDEX vacation_requests_approver_idx ON vacation_requests (approver_document, status);

        CREATE TABLE employer_settings (
            id                     boolean PRIMARY KEY DEFAULT true CHECK (id),
            name                   text NOT NULL DEFAULT 'Empleador',
            nit                    text,
            exonerated             boolean NOT NULL DEFAULT true,   -- ET art. 114-1
            default_arl_class      text NOT NULL DEFAULT 'I' CHECK (default_arl_class IN ('I','II','III','IV','V')),
            rest_day_pay           text NOT NULL DEFAULT 'base_plus_surcharge'
                                   CHECK (rest_day_pay IN ('base_plus_surcharge', 'surcharge_only')),
            allow_vacation_advance boolean NOT NULL DEFAULT false,
            updated_at             timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO employer_settings DEFAULT VALUES;
        """
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only migrations")
