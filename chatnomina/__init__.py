"""ChatNomina: Colombian payroll back end and payroll assistant."""

__version__ = "0.1.0"
