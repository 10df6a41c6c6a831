"""Bank account (masked, ``CUENTAS_BANCARIAS_HM``) and personal data (``ACTIVOS_HM``). Pure."""

from __future__ import annotations

from chatnomina.assistant.answerers.base import HR_CONTACT, Answer, Ask, bullets, day, hr_source
from chatnomina.hr import facts
from chatnomina.hr.facts import BankAccount
from chatnomina.hr.rows import FileKind

#: Words that name a bank, folded → how the bank is called.
BANK_WORDS = {
    "bancolombia": "Bancolombia",
    "davivienda": "Davivienda",
    "bbva": "BBVA",
    "bogota": "Banco de Bogotá",
    "occidente": "Banco de Occidente",
    "popular": "Banco Popular",
    "av villas": "Banco AV Villas",
    "caja social": "Banco Caja Social",
    "colpatria": "Scotiabank Colpatria",
    "itau": "Itaú",
    "agrario": "Banco Agrario",
    "falabella": "Banco Falabella",
    "pichincha": "Banco Pichincha",
    "bancoomeva": "Bancoomeva",
    "nequi": "Nequi",
    "daviplata": "Daviplata",
    "lulo": "Lulo Bank",
    "sudameris": "Banco GNB Sudameris",
}
_CHANGE = "cambi[a-z]*|actualiz[a-z]*|inscrib[a-z]*|registrar|modific[a-z]*|nueva|otra|diferente|corrij[a-z]*|corregir"


def _account_text(account: BankAccount) -> str:
    kind = f" de {account.account_type.lower()}" if account.account_type else ""
    return f"{account.name}, cuenta{kind} {account.masked}"


def datos_bancarios(ask: Ask) -> Answer:
    """The payroll account (bank, type, last four digits only), its history and how to change it."""
    person = ask.person
    account = facts.bank_account(person)
    sources = (hr_source(FileKind.BANK_ACCOUNTS),)
    change = (f"Para cambiar la cuenta donde te pagan, envía a {HR_CONTACT} una certificación bancaria "
              "reciente de la nueva cuenta a tu nombre; el cambio aplica desde la nómina siguiente a su registro.")
    if account is None:
        return Answer("No tengo una cuenta bancaria registrada a tu nombre. " + change, sources)
    since = f", registrada el {day(account.since)}" if account.since else ""
    text = f"Tu nómina se consigna en {_account_text(account)}{since}."
    named = [name for word, name in BANK_WORDS.items() if ask.mentions(word)]
    if named and not ask.mentions(_CHANGE):
        if account.name in named:
            text = f"Sí: {text[0].lower()}{text[1:]}"
        else:
            text = f"No: {text[0].lower()}{text[1:]}"
    history = facts.bank_history(person)
    if len(history) > 1:
        earlier = [a for a in history if (a.last4, a.name) != (account.last4, account.name)]
        if earlier:
            text += "\nCuentas anteriores:\n" + bullets(
                f"{_account_text(a)}" + (f", desde el {day(a.since)}" if a.since else "") for a in earlier)
    if ask.mentions(_CHANGE):
        text += "\n" + change
    text += "\nPor seguridad solo muestro los últimos cuatro dígitos de la cuenta."
    return Answer(text, sources)


_UPDATE = "actualiz[a-z]*|corrij[a-z]*|corregir|cambi[a-z]*|modific[a-z]*"


def datos_personales(ask: Ask) -> Answer:
    """The field asked about (EPS, AFP, cesantías, cargo, jefe, ingreso, contrato...), or a summary."""
    employee = ask.me
    profile = employee.profile
    sources = (hr_source(FileKind.ACTIVE_EMPLOYEES),)
    if profile is None:
        contracts = facts.contracts(employee.person)
        if contracts:
            last = contracts[-1]
            ended = f" y terminó el {day(last.fecha_retiro)}" if last.fecha_retiro else ""
            return Answer(f"No apareces como empleado activo. Tu último contrato empezó el {day(last.fecha_ingreso)}"
                          f"{ended}.", (hr_source(FileKind.CONTRACTS),))
        return Answer("No tengo tus datos personales en los registros importados.", sources)
    p = profile
    fields: list[str] = []

    def add(sentence: str) -> None:
        if sentence not in fields:
            fields.append(sentence)

    def value(text: str | None) -> str:
        return text if text else "no registrada"

    if ask.has_concept("salud") or ask.mentions("eps|entidad de salud|entidad promotora"):
        add(f"Tu EPS es {value(p.eps)}.")
    if ask.has_concept("pension", "aportes_voluntarios") or ask.mentions("afp|fondo de pensiones|fondo de pension"):
        add(f"Tu fondo de pensiones (AFP) es {value(p.afp)}.")
    if ask.has_concept("cesantias") or ask.mentions("fondo de cesantias"):
        add(f"Tu fondo de cesantías es {value(p.cesantias)}.")
    if ask.mentions("arl|riesgos laborales|riesgos profesionales"):
        add(f"La ARL no aparece en tus registros de nómina: la elige el empleador; {HR_CONTACT} te la confirma.")
    if ask.mentions("caja de compensacion|caja|comfandi|comfenalco|compensacion familiar"):
        add(f"La caja de compensación no aparece en tus registros de nómina; {HR_CONTACT} te la confirma.")
    if ask.mentions("cargo|puesto|posicion|rol|ocupacion|que hago"):
        add(f"Tu cargo es {value(p.position)}.")
    if ask.mentions("jefe|jefa|superior|supervisor|supervisora|lider|quien me aprueba|a quien le reporto|reporto"):
        add(f"Tu jefe inmediato es {value(p.manager_name_display)}.")
    if ask.mentions("ingreso|ingrese|entre|antiguedad|cuanto tiempo llevo|cuanto llevo|vinculacion|vinculado"):
        years = (ask.today - p.hire_date_current_contract).days // 365
        add(f"Tu fecha de ingreso es el {day(p.hire_date_current_contract)} (llevas {years} "
            f"{'año' if years == 1 else 'años'} en este contrato).")
    if ask.mentions("contrato|modalidad|tipo de vinculacion|termino|vence|vencimiento"):
        end = f", con vencimiento el {day(p.contract_end)}" if p.contract_end else ""
        add(f"Tu tipo de contrato es {value(p.contract_type)}{end}.")
    if ask.mentions("dependencia|area|departamento|facultad|oficina|unidad"):
        add(f"Trabajas en {value(p.dependencia)}.")
    if ask.mentions("centro de costo|centro de costos|cenco"):
        add(f"Tu centro de costos es {value(p.centro_costo)}.")
    if ask.mentions("correo|email|e mail|mail"):
        add(f"Tu correo institucional es {value(p.email_institucional)} y el personal, {value(p.email_personal)}.")
    if ask.mentions("telefono|celular|movil|numero de contacto"):
        add(f"Tu teléfono registrado es {value(p.telefono)}.")
    if ask.mentions("direccion|residencia|donde vivo|domicilio"):
        add(f"Tu dirección registrada es {value(p.direccion)}.")
    if ask.mentions("nacimiento|naci|cumpleanos|edad|cuantos anos tengo"):
        born = f"naciste el {day(p.fecha_nacimiento)}" if p.fecha_nacimiento else "no tengo tu fecha de nacimiento"
        add(f"Según los registros {born}" + (f" ({p.edad} años)." if p.edad else "."))
    if ask.mentions("documento|cedula|identificacion"):
        add(f"Tu documento registrado es {p.tipo_documento or 'CC'} terminado en {p.documento[-4:]}.")
    if ask.mentions("nombre|como me llamo"):
        add(f"Tu nombre registrado es {p.nombre}.")
    if not fields:
        fields = [
            f"Nombre: {p.nombre}.",
            f"Cargo: {value(p.position)}, en {value(p.dependencia)}.",
            f"Fecha de ingreso: {day(p.hire_date_current_contract)}; contrato {value(p.contract_type)}"
            + (f" hasta el {day(p.contract_end)}." if p.contract_end else "."),
            f"Jefe inmediato: {value(p.manager_name_display)}.",
            f"EPS: {value(p.eps)}; fondo de pensiones (AFP): {value(p.afp)}; fondo de cesantías: {value(p.cesantias)}.",
            f"Correo institucional: {value(p.email_institucional)}.",
        ]
        text = "Estos son tus datos registrados:\n" + bullets(fields)
    else:
        text = " ".join(fields)
    if ask.mentions(_UPDATE):
        text += (f"\nPara actualizar o corregir tus datos (dirección, teléfono, correo, EPS, fondos), escribe a "
                 f"{HR_CONTACT} con el soporte; el cambio se refleja en el siguiente reporte del sistema de nómina.")
    return Answer(text, sources)
