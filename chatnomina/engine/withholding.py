"""Retención en la fuente on labour income, procedimiento 1 (ET arts. 383, 387, 388; R7)."""

from __future__ import annotations

from decimal import Decimal

from chatnomina.engine.models import Contract, PayslipLine, WithholdingDetail
from chatnomina.engine.rounding import ZERO, to_four_places, to_multiple, to_peso
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.trace import MONEY, NUMBER, PERCENT, TEXT, Trace

_FORMULA = (
    "Ingresos laborales del mes {bruto} − ingresos no constitutivos de renta (salud, pensión y "
    "FSP) {incrngo} = {subtotal}. Deducciones: dependientes {dependientes}, medicina prepagada "
    "{prepagada}, intereses de vivienda {vivienda}; rentas exentas: aportes voluntarios "
    "{voluntarios}, {tasa_exenta} {exenta25} (tope {tope_exenta} = {tope_exenta_uvt} UVT / 12). "
    "Total {beneficios}, limitado al menor entre {tasa_tope} del subtotal {tope40} y "
    "{tope_global_uvt} UVT / 12 {tope_uvt} → {permitidos}. Base gravable {base} = {base_uvt} UVT; "
    "tabla del art. 383 desde {desde_uvt} UVT: ({base_uvt} − {desde_uvt}) × {tasa} + {fijo_uvt} "
    "= {impuesto_uvt} UVT × UVT {uvt} = {impuesto}; {redondeo} = {valor}"
)


def compute_withholding(
    gross: Decimal,
    incrngo: Decimal,
    contract: Contract,
    rules: PeriodRules,
    round_to_thousand: bool,
) -> tuple[WithholdingDetail, PayslipLine]:
    """Procedimiento 1 on the month's labour payments; UVT caps converted exactly (annual / 12)."""
    uvt = rules.uvt.value
    subtotal = gross - incrngo
    dependents = ZERO
    if contract.dependents:
        dependents = min(gross * rules.dependents_rate.value, rules.dependents_cap_pesos)
    prepaid = min(contract.prepaid_medicine_monthly, rules.prepaid_cap_pesos)
    housing = min(contract.housing_interest_monthly, rules.housing_cap_pesos)
    voluntary = contract.voluntary_pension_monthly
    if voluntary:
        voluntary = min(voluntary, gross * rules.voluntary_rate.value, rules.voluntary_cap_month)
    deductions = dependents + prepaid + housing
    exempt_base = subtotal - deductions - voluntary
    exempt = (
        min(exempt_base * rules.exempt_rate.value, rules.exempt_cap_month)
        if exempt_base > 0
        else ZERO
    )
    benefits = deductions + voluntary + exempt
    cap_40 = subtotal * rules.benefits_rate.value
    allowed = min(benefits, cap_40, rules.benefits_cap_month)
    if allowed < 0:
        allowed = ZERO
    base = subtotal - allowed
    if base < 0:
        base = ZERO
    for lower, rate, fixed, row in rules.withholding_brackets:
        if base > lower:
            break
    else:  # base is zero
        lower, rate, fixed, row = rules.withholding_brackets[-1]
    tax = (base - lower) * rate + fixed if rate else fixed
    tax_peso = to_peso(tax)
    step = rules.withholding_rounding.value
    withholding = to_multiple(tax_peso, step) if round_to_thousand else tax_peso
    detail = WithholdingDetail(
        gross_labour_income=gross,
        incrngo=incrngo,
        subtotal1=subtotal,
        dependents=dependents,
        prepaid_medicine=prepaid,
        housing_interest=housing,
        voluntary_pension_exempt=voluntary,
        labour_exempt_25=exempt,
        benefits_before_cap=benefits,
        cap_40pct=cap_40,
        cap_uvt_month=rules.benefits_cap_month,
        benefits_allowed=allowed,
        base=base,
        base_uvt=to_four_places(base / uvt),
        tax_uvt=to_four_places(tax / uvt),
        tax=tax,
        tax_peso=tax_peso,
        withholding=withholding,
    )
    rounding = rules.withholding_rounding_words if round_to_thousand else "redondeado al peso"
    trace = Trace(
        _FORMULA,
        (
            ("bruto", gross, MONEY),
            ("incrngo", incrngo, MONEY),
            ("subtotal", subtotal, MONEY),
            ("dependientes", dependents, MONEY),
            ("prepagada", prepaid, MONEY),
            ("vivienda", housing, MONEY),
            ("voluntarios", voluntary, MONEY),
            ("tasa_exenta", rules.exempt_rate.value, PERCENT),
            ("exenta25", exempt, MONEY),
            ("tope_exenta", rules.exempt_cap_month, MONEY),
            ("tope_exenta_uvt", rules.exempt_cap.value, NUMBER),
            ("beneficios", benefits, MONEY),
            ("tasa_tope", rules.benefits_rate.value, PERCENT),
            ("tope40", cap_40, MONEY),
            ("tope_global_uvt", rules.benefits_cap.value, NUMBER),
            ("tope_uvt", rules.benefits_cap_month, MONEY),
            ("permitidos", allowed, MONEY),
            ("base", base, MONEY),
            ("base_uvt", detail.base_uvt, NUMBER),
            ("desde_uvt", row["from_uvt"], NUMBER),
            ("tasa", rate, PERCENT),
            ("fijo_uvt", row["base_tax_uvt"], NUMBER),
            ("impuesto_uvt", detail.tax_uvt, NUMBER),
            ("uvt", uvt, MONEY),
            ("impuesto", tax, MONEY),
            ("redondeo", rounding, TEXT),
            ("valor", withholding, MONEY),
        ),
        (
            rules.uvt,
            rules.withholding_table,
            rules.dependents_rate,
            rules.dependents_cap,
            rules.prepaid_cap,
            rules.housing_cap,
            rules.voluntary_rate,
            rules.voluntary_cap,
            rules.exempt_rate,
            rules.exempt_cap,
            rules.benefits_rate,
            rules.benefits_cap,
            rules.withholding_rounding,
        ),
    )
    line = PayslipLine(
        "RETENCION_FUENTE", "Retención en la fuente", "deduccion", withholding, trace
    )
    return detail, line
