"""Payroll assistant."""
