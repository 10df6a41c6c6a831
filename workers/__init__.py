"""Dramatiq workers: the broker, the resources middleware and one module per job family.

Run with ``chatnomina worker`` (which starts ``dramatiq workers.tasks``).
"""
