"""Orchestration over several stores (auth, imports, payroll runs, exports)."""
