"""One answerer per intent: ``(Ask) -> Answer``, pure functions over the employee's rows.

* ``DATA_ANSWERERS``: the intents about the employee's own records (salary, deposits,
  deductions, withholding, novelties, vacations, bank, personal data, simulation, payslip
  explanations). They need ``Ask.employee``; the dispatcher loads it once per message.
* ``GENERAL_ANSWERERS``: greeting, goodbye, help, a human, out of scope, labour law.
* ``general``: the fixed answers the dispatcher uses by itself (someone else's data, not
  understood, no linked employee, no data).

Each answer carries ``sources``: the export file and payroll it read
(``{"type": "hr_export", "file": "CONSIGNACIONES_HM", "period": "202610M"}``), the norm
(``{"type": "law", "citation": "CST art. 186"}``) or the engine's dated parameters
(``{"type": "engine", "parameters": [...]}``).
"""

from __future__ import annotations

from collections.abc import Callable

from chatnomina.assistant.answerers import general
from chatnomina.assistant.answerers.base import Answer, Ask, Employee, VacationRequests
from chatnomina.assistant.answerers.computed import ComputedLine, ComputedPayslip
from chatnomina.assistant.answerers.deductions import deducciones, retencion_fuente
from chatnomina.assistant.answerers.novelties import novedades
from chatnomina.assistant.answerers.payments import (
    comparar_pagos,
    historial_pagos,
    ultima_consignacion,
)
from chatnomina.assistant.answerers.payslip import (
    equivalent_payslip,
    explicar_nomina,
    payslip_items,
)
from chatnomina.assistant.answerers.personal import datos_bancarios, datos_personales
from chatnomina.assistant.answerers.salary import historial_sueldo, sueldo_actual
from chatnomina.assistant.answerers.simulation import simulacion
from chatnomina.assistant.answerers.vacations import (
    vacaciones_historial,
    vacaciones_saldo,
    vacaciones_solicitar,
)

Answerer = Callable[[Ask], Answer]

DATA_ANSWERERS: dict[str, Answerer] = {
    "sueldo_actual": sueldo_actual,
    "historial_sueldo": historial_sueldo,
    "ultima_consignacion": ultima_consignacion,
    "historial_pagos": historial_pagos,
    "comparar_pagos": comparar_pagos,
    "deducciones": deducciones,
    "retencion_fuente": retencion_fuente,
    "novedades": novedades,
    "vacaciones_saldo": vacaciones_saldo,
    "vacaciones_historial": vacaciones_historial,
    "vacaciones_solicitar": vacaciones_solicitar,
    "datos_bancarios": datos_bancarios,
    "datos_personales": datos_personales,
    "simulacion": simulacion,
    "explicar_nomina": explicar_nomina,
}
GENERAL_ANSWERERS: dict[str, Answerer] = {
    "saludo": general.saludo,
    "despedida": general.despedida,
    "ayuda": general.ayuda,
    "hablar_con_humano": general.hablar_con_humano,
    "fuera_de_alcance": general.fuera_de_alcance,
    "normativa": general.normativa,
}
ANSWERERS: dict[str, Answerer] = {**DATA_ANSWERERS, **GENERAL_ANSWERERS}

__all__ = [
    "ANSWERERS",
    "DATA_ANSWERERS",
    "GENERAL_ANSWERERS",
    "Answer",
    "Answerer",
    "Ask",
    "ComputedLine",
    "ComputedPayslip",
    "Employee",
    "VacationRequests",
    "equivalent_payslip",
    "general",
    "payslip_items",
]
