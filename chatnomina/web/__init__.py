"""HTTP and websocket layer: handlers parse, authorize, call and respond."""

from __future__ import annotations

from chatnomina.web.routing import RouteTable


def api_tables() -> list[RouteTable]:
    """Route tables mounted under ``/api/<version>``, one per domain module."""
    from chatnomina.web import auth, benefits, chat, exports, hr_imports, payroll, payroll_runs, payslips, users

    return [auth.routes, chat.routes, chat.hr_routes, hr_imports.routes, users.routes,
            payslips.routes, benefits.routes, payroll.routes, payroll_runs.routes, exports.routes]
