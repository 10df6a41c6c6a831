"""Synthetic HR exports: the nine files for any number of fictional employees.

For benchmarks (import, payroll runs) and tests. Deterministic: the same arguments give
the same bytes. Everything is invented; amounts follow Colombian payroll closely enough to
look real (minimum wage floor, auxilio de transporte up to 2 SMMLV, 4 % + 4 % employee
contributions, fondo de solidaridad from 4 SMMLV, integral salaries at 70 % base) but the
withholding is a rough approximation: these files exercise the import, not the engine.

The files agree with each other the way the real exports do: every deposit, novelty,
absence, vacation year, account and withholding row belongs to a contract of
``VINCULACION_HM``; ``ValorConsignación = Ingresos − Descuentos``; salary history rows
chain without gaps; recurring novelties are one row with a date range.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from chatnomina.hr.legal import MINIMUM_WAGE
from chatnomina.hr.rows import FileKind
from chatnomina.hr.schema import SPECS
from chatnomina.hr.values import last_day_of_month, parse_period

_MALE = ["JUAN", "CARLOS", "ANDRÉS", "FELIPE", "SANTIAGO", "SEBASTIÁN", "ALEJANDRO", "DIEGO", "CAMILO", "JORGE",
         "LUIS", "MIGUEL", "ÁNGEL", "DAVID", "DANIEL", "JULIÁN", "NICOLÁS", "MAURICIO", "OCTAVIO", "GUSTAVO",
         "HERNÁN", "JAIME", "ESTEBAN", "OSCAR", "RICARDO", "FERNANDO", "EDUARDO", "ALBERTO", "ARLEY", "WILSON",
         "JHON", "FABIO", "HUMBERTO", "IGNACIO", "ALFONSO", "MATEO", "SAMUEL", "EMILIANO", "TOMÁS", "CRISTIAN"]
_FEMALE = ["MARÍA", "JOSÉ", "ANA", "LUCÍA", "SOFÍA", "VALENTINA", "CAMILA", "DANIELA", "PAULA", "ANDREA", "CAROLINA",
           "CATALINA", "MARCELA", "NATHALIA", "ISABEL", "SANDRA", "ROCÍO", "LINA", "PILAR", "MÓNICA", "LORENA",
           "MARIANA", "ALEJANDRA", "DIANA", "PATRICIA", "CLAUDIA", "ÁNGELA", "JULIANA", "ESPERANZA", "GLORIA", "LUZ",
           "MARINA", "YOLANDA", "ADRIANA", "XIMENA", "VIVIANA", "TATIANA"]
_SURNAMES = ["RODRÍGUEZ", "GÓMEZ", "GONZÁLEZ", "MARTÍNEZ", "GARCÍA", "LÓPEZ", "HERNÁNDEZ", "SÁNCHEZ", "RAMÍREZ",
             "PÉREZ", "DÍAZ", "MUÑOZ", "ROJAS", "MORENO", "JIMÉNEZ", "VARGAS", "CASTRO", "ORTIZ", "RUIZ", "SUÁREZ",
             "BOLAÑOS", "LONDOÑO", "CHAUX", "MICOLTA", "CIFUENTES", "PEREA", "MEJÍA", "TRUJILLO", "HURTADO", "CAMPO",
             "OROZCO", "CASTAÑO", "PEÑA", "QUINTERO", "SALAZAR", "VELASCO", "RIASCOS", "VIVEROS", "VALENCIA",
             "CARDONA", "OSORIO", "GIRALDO", "ARANGO", "ZAPATA", "CAICEDO", "MOSQUERA", "OCAMPO", "BETANCOURT",
             "PATIÑO", "ARBOLEDA"]
_STREETS = ("Calle", "Carrera", "Avenida", "Diagonal", "Transversal")
_BARRIOS = ("San Fernando", "El Peñón", "Pance", "Normandía", "Tequendama", "El Limonar",
            "Ciudad Jardín", "Granada", "San Antonio", "Bochalema", "El Refugio", "Los Cristales")
_EPS = ("EPS SURA", "NUEVA EPS", "EPS SANITAS", "COMPENSAR EPS", "SERVICIO OCCIDENTAL DE SALUD SOS",
        "SALUD TOTAL", "COOSALUD")
_AFP = ("PORVENIR", "PROTECCIÓN", "COLFONDOS", "SKANDIA", "COLPENSIONES")
_CESANTIAS = ("PORVENIR", "PROTECCIÓN", "COLFONDOS", "FONDO NACIONAL DEL AHORRO", "SKANDIA")
_BANKS = (("BANCOLOMBIA", "007", "1007"), ("DAVIVIENDA", "051", "1051"), ("BANCO DE BOGOTA", "001", "1001"),
          ("BANCO DE OCCIDENTE", "023", "1023"), ("BBVA COLOMBIA", "013", "1013"),
          ("BANCO POPULAR", "002", "1002"), ("BANCO AV VILLAS", "052", "1052"))
_UNITS = (
    ("FACULTAD DE INGENIERÍA", "210100"), ("FACULTAD DE CIENCIAS DE LA SALUD", "220100"),
    ("FACULTAD DE HUMANIDADES Y ARTES", "230100"), ("FACULTAD DE DERECHO", "250100"),
    ("DEPARTAMENTO DE SERVICIOS GENERALES", "160100"), ("BIENESTAR UNIVERSITARIO", "140100"),
    ("OFICINA DE REGISTRO ACADÉMICO", "150100"), ("CENTRO DE SERVICIOS INFORMÁTICOS", "120200"),
)
# (position, scheme code, level, salary range as multiples of the minimum wage)
_POSITIONS = (
    ("AUXILIAR DE SERVICIOS GENERALES", "OPE-01", "OPERATIVO", 1.0, 1.2),
    ("CONDUCTOR", "OPE-04", "OPERATIVO", 1.3, 1.6),
    ("AUXILIAR ADMINISTRATIVO", "ADM-02", "ADMINISTRATIVO", 1.2, 1.8),
    ("AUXILIAR DE SECRETARÍA ACADÉMICA", "ADM-03", "ADMINISTRATIVO", 1.6, 2.2),
    ("TÉCNICO DE LABORATORIO", "TEC-01", "TÉCNICO", 1.8, 2.6),
    ("PROFESIONAL DE LABORATORIO", "PRO-01", "PROFESIONAL", 2.4, 3.2),
    ("DESARROLLADOR DE SOFTWARE", "PRO-03", "PROFESIONAL", 3.2, 5.0),
    ("COORDINADOR DE BIENESTAR", "COO-01", "PROFESIONAL", 3.6, 5.4),
    ("PROFESOR ASISTENTE", "DOC-ASIS", "DOCENTE", 3.6, 5.0),
    ("PROFESOR ASOCIADO", "DOC-ASOC", "DOCENTE", 5.0, 8.0),
    ("DECANO", "DIR-INT", "DIRECTIVO", 13.2, 16.0),
)
_AUXILIO = {2024: 162_000, 2025: 200_000, 2026: 249_095}  # Decretos 2293/2023, 1573/2024, 1470/2025
_RECURRING = (
    ("LIB", "LIBRANZA {bank} {n} CUOTAS"),
    ("MEDPRE", "MEDICINA PREPAGADA {prepaid}"),
    ("AVP", "APORTE VOLUNTARIO PENSION {afp}"),
    ("AFC", "CUENTA AFC {bank}"),
    ("COOP", "AHORRO FONDO DE EMPLEADOS FONEU"),
)


def _minimum_wage(year: int) -> int:
    years = sorted(MINIMUM_WAGE)
    return int(MINIMUM_WAGE[min(max(year, years[0]), years[-1])][0])


def _auxilio(year: int) -> int:
    return _AUXILIO.get(year, 200_000 if year < 2026 else 249_095)


def _last_business_day(year: int, month: int) -> date:
    """The last weekday of the month (holidays are not considered)."""
    day = last_day_of_month(year, month)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _months(last_payroll: str, count: int) -> list[tuple[int, int]]:
    period = parse_period(last_payroll)
    index = period.year * 12 + period.month - 1
    return [((i // 12), (i % 12) + 1) for i in range(index - count + 1, index + 1)]


@dataclass
class _Person:
    documento: str
    sex: str
    names: tuple[str, str]
    surnames: tuple[str, str]
    birth: date
    contract: int
    hired: date
    position: tuple[str, str, str, float, float]
    unit: tuple[str, str]
    fixed_term: bool
    integral: bool
    salary: int
    eps: str
    afp: str
    cesantias: str
    bank: tuple[str, str, str]
    account: str
    manager: int = 0
    former: tuple[int, date, date] | None = None  # contract, hired, retired
    raises: list[tuple[date, date | None, int]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (*self.surnames, *self.names) if p)


class _Writer:
    """Collects the lines of one export file with the header of the real exports."""

    def __init__(self, kind: FileKind):
        self.lines = [" ;".join(c.header for c in SPECS[kind].columns)]

    def add(self, *values: object) -> None:
        self.lines.append(";".join("" if v is None else str(v) for v in values))

    def encode(self, encoding: str, eol: str) -> bytes:
        return (eol.join(self.lines) + eol).encode(encoding)


def generate_exports(
    n_employees: int,
    months: int = 24,
    seed: int = 0,
    *,
    last_payroll: str = "202610M",
    encoding: str = "utf-8",
    eol: str = "\n",
    kinds: Iterable[FileKind] | None = None,
) -> dict[str, bytes]:
    """The nine export files (name → bytes) for ``n_employees`` active employees.

    ``months`` monthly payrolls end at ``last_payroll``; each employee gets a deposit and a
    withholding row for every one of them after their hire date. ``kinds`` limits the
    output to some files (the rest are still generated consistently, then dropped).
    """
    rng = random.Random(seed)
    period = parse_period(last_payroll)
    cutoff = period.last_day
    payrolls = _payroll_months(last_payroll, months)
    people = [_person(rng, i, n_employees, cutoff) for i in range(n_employees)]
    fmt = _DateFormatter()
    w = {kind: _Writer(kind) for kind in FileKind}
    for person in people:
        manager = people[person.manager] if people else person
        _write_person(rng, person, manager, payrolls, cutoff, fmt, w)
    wanted = set(FileKind if kinds is None else kinds)
    return {kind.file_name: w[kind].encode(encoding, eol) for kind in FileKind if kind in wanted}


class _DateFormatter:
    """``dd/mm/yyyy`` with a cache: the same few thousand dates are written millions of times."""

    def __init__(self) -> None:
        self.cache: dict[date, str] = {}

    def __call__(self, day: date | None) -> str:
        if day is None:
            return ""
        text = self.cache.get(day)
        if text is None:
            text = self.cache[day] = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        return text


def _person(rng: random.Random, i: int, n: int, cutoff: date) -> _Person:
    sex = "F" if rng.random() < 0.5 else "M"
    pool = _FEMALE if sex == "F" else _MALE
    first = rng.choice(pool)
    second = rng.choice(pool) if rng.random() < 0.6 else ""
    if second == first:
        second = ""
    surnames = (rng.choice(_SURNAMES), rng.choice(_SURNAMES))
    age = rng.randint(20, 62)
    birth = date(cutoff.year - age, rng.randint(1, 12), rng.randint(1, 28))
    hired = cutoff - timedelta(days=int(rng.triangular(40, min(365 * (age - 19), 365 * 20), 365 * 4)))
    if rng.random() < 0.5:
        hired = hired.replace(day=1 if rng.random() < 0.7 else 16)
    position = _POSITIONS[rng.randrange(len(_POSITIONS) - 1)] if rng.random() > 0.01 else _POSITIONS[-1]
    wage = _minimum_wage(cutoff.year)
    low, high = position[3], position[4]
    salary = max(wage, int(wage * rng.uniform(low, high)) // 1000 * 1000)
    integral = position[1] == "DIR-INT"
    bank = rng.choice(_BANKS)
    person = _Person(
        # Unique by construction: cédulas of 8 digits (older) or 10 digits (newer).
        documento=str(1_000_000_000 + i) if i % 2 else str(10_000_000 + i),
        sex=sex,
        names=(first, second),
        surnames=surnames,
        birth=birth,
        contract=1000 + i,
        hired=hired,
        position=position,
        unit=rng.choice(_UNITS),
        fixed_term=rng.random() < 0.25,
        integral=integral,
        salary=salary,
        eps=rng.choice(_EPS),
        afp=rng.choice(_AFP),
        cesantias=rng.choice(_CESANTIAS),
        bank=bank,
        account=f"{rng.randrange(10**8, 10**11):0{rng.choice((9, 11, 12))}d}",
        manager=rng.randrange(n) if n else 0,
    )
    if rng.random() < 0.03 and (cutoff - hired).days > 3 * 365:
        retired = hired - timedelta(days=rng.randint(30, 120))
        former_hired = retired - timedelta(days=rng.randint(400, 2000))
        person.former = (1000 + n + i, former_hired, retired)
    return person


def _salary_rows(person: _Person, cutoff: date) -> list[tuple[date, date | None, int]]:
    """Yearly salary periods from hire to today, the current one open."""
    rows: list[tuple[date, date | None, int]] = []
    salary = person.salary
    year = cutoff.year
    start = max(date(year, 1, 1), person.hired)
    rows.append((start, None, salary))
    while start > person.hired:
        year -= 1
        end = start - timedelta(days=1)
        start = max(date(year, 1, 1), person.hired)
        salary = max(_minimum_wage(year), int(salary / 1.07) // 1000 * 1000)
        rows.append((start, end, salary))
    rows.reverse()
    return rows


def _write_person(
    rng: random.Random,
    p: _Person,
    manager: _Person,
    months: list[_Month],
    cutoff: date,
    fmt: _DateFormatter,
    w: dict[FileKind, _Writer],
) -> None:
    K = FileKind
    name = p.full_name
    salaries = _salary_rows(p, cutoff)
    end_of_contract = (
        _anniversary_before(p.hired, cutoff) + timedelta(days=364 * 2) if p.fixed_term else None
    )
    # VINCULACION_HM
    if p.former is not None:
        former, former_hired, retired = p.former
        w[K.CONTRACTS].add(p.documento, former, fmt(former_hired), fmt(retired), "REEMPLAZO POR RETIRO",
                           "TERMINACION DE CONTRATO A TERMINO FIJO", p.position[2], "TERMINO FIJO",
                           "TIEMPO COMPLETO", "ADMINISTRATIVA")
        w[K.SALARY_HISTORY].add(former, p.documento, name, fmt(former_hired), fmt(retired),
                                max(_minimum_wage(retired.year), p.salary * 6 // 10 // 1000 * 1000))
        w[K.BANK_ACCOUNTS].add(former, p.documento, name, fmt(former_hired), "N", p.bank[0], "AHORROS",
                               p.account)
    contract_type = "TERMINO FIJO" if p.fixed_term else "TERMINO INDEFINIDO"
    w[K.CONTRACTS].add(p.documento, p.contract, fmt(p.hired), "", "VACANTE DEFINITIVA", "", p.position[2],
                       contract_type, "TIEMPO COMPLETO", "ACADÉMICA" if "FACULTAD" in p.unit[0] else "ADMINISTRATIVA")
    # ACTIVOS_HM
    current_since = salaries[-1][0]
    first, second = p.names
    user = f"{_ascii(first).lower()}.{_ascii(p.surnames[0]).lower()}"
    street = rng.choice(_STREETS)
    w[K.ACTIVE_EMPLOYEES].add(
        "CC", p.documento, p.contract, first, second, p.surnames[0], p.surnames[1], name, fmt(p.birth),
        _age(p.birth, cutoff), p.sex, f"P{rng.randrange(10000, 99999)}", p.position[0], p.unit[0], p.unit[1],
        fmt(p.hired), fmt(end_of_contract), contract_type, p.eps, "00", p.afp, p.cesantias,
        fmt(current_since), p.salary, manager.documento, manager.full_name, f"{user}@universidad.edu.co",
        f"{user}{rng.randrange(1, 99)}@gmail.com", f"+57 3{rng.randrange(10**8, 10**9):09d}",
        f"{street} {rng.randrange(1, 120)} # {rng.randrange(1, 99)}-{rng.randrange(1, 99)}, "
        f"Barrio {rng.choice(_BARRIOS)}, Cali",
        "INTEGRAL" if p.integral else "ORDINARIO", p.position[1], fmt(current_since), p.salary, p.account,
        "AHORROS", p.bank[0], "S",
    )
    # HISTORICO_SUELDO_HM
    for start, end, amount in salaries:
        w[K.SALARY_HISTORY].add(p.contract, p.documento, name, fmt(start), fmt(end), amount)
    # CUENTAS_BANCARIAS_HM
    w[K.BANK_ACCOUNTS].add(p.contract, p.documento, name, fmt(p.hired), "S", p.bank[0], "AHORROS", p.account)
    # NOVEDADES_HM: recurring ones (one row with a range) and one-off overtime and bonuses.
    recurring: list[tuple[str, date, date | None, int]] = []
    novelties = w[K.NOVELTIES]
    for code, text in _RECURRING:
        if rng.random() >= 0.15:
            continue
        start = _month_start(cutoff - timedelta(days=rng.randint(30, 900)))
        start = max(start, _month_start(p.hired) + timedelta(days=31)).replace(day=1)
        value = max(50_000, int(p.salary * rng.uniform(0.02, 0.12)) // 1000 * 1000)
        instalments = rng.choice((12, 24, 36, 48)) if code == "LIB" else 0
        end = _add_months(start, instalments) - timedelta(days=1) if instalments else None
        paid = _months_between(start, min(cutoff, end or cutoff))
        if end is not None and end < cutoff:
            status = "LIQUIDADA"
        else:
            status = "ACTIVA"
        observation = text.format(bank=p.bank[0], n=instalments, prepaid="SURA", afp=p.afp)
        novelties.add(p.contract, p.documento, name, code, fmt(start), fmt(end), fmt(start), status, value,
                      value * instalments, value * paid, observation, p.unit[1], "DEDUCCION")
        recurring.append((code, start, end, value))
    one_off: dict[tuple[int, int], list[tuple[str, int]]] = {}
    overtime = p.position[2] in ("OPERATIVO", "ADMINISTRATIVO", "TÉCNICO") and rng.random() < 0.5
    for payroll in months:
        year, month_number = payroll.key
        if payroll.start < p.hired:
            continue
        items = []
        if overtime and rng.random() < 0.4:
            code, rate = rng.choice((("HED", 1.25), ("HEN", 1.75), ("RN", 0.35)))
            hours = rng.choice((2, 4, 6, 8, 10, 12))
            value = int(p.salary / 230 * rate * hours)
            day = date(year, month_number, rng.randint(1, 28))
            label = {"HED": "HORAS EXTRA DIURNAS", "HEN": "HORAS EXTRA NOCTURNAS", "RN": "HORAS RECARGO NOCTURNO"}
            novelties.add(p.contract, p.documento, name, code, fmt(day), fmt(day), fmt(day), "LIQUIDADA", value,
                          value, value, f"{hours} {label[code]}", p.unit[1], "DEVENGO")
            items.append((code, value))
        if month_number == 12 and rng.random() < 0.3:
            value = rng.randrange(200, 1500) * 1000
            day = date(year, 12, rng.randint(10, 15))
            novelties.add(p.contract, p.documento, name, "BON", fmt(day), fmt(day), fmt(day), "LIQUIDADA", value,
                          value, value, "BONIFICACION DE FIN DE AÑO", p.unit[1], "DEVENGO")
            items.append(("BON", value))
        one_off[payroll.key] = items
    if rng.random() < 0.05:  # registered after the last payroll: pending
        day = cutoff + timedelta(days=rng.randint(3, 20))
        value = rng.randrange(200, 900) * 1000
        novelties.add(p.contract, p.documento, name, "BON", fmt(day), fmt(day), fmt(day), "ACTIVA", value, value,
                      0, "BONIFICACION POR PRODUCTIVIDAD", p.unit[1], "DEVENGO")
    # AUSENTISMO_HM and VACACIONES_DERECHO_HM
    _write_absences(rng, p, cutoff, fmt, w)
    # CONSIGNACIONES_HM and VALIDADOR_RETENCION, one per payroll month after the hire date
    # (written directly: these two files are 90 % of the volume).
    deposits, withholding = w[K.DEPOSITS].lines, w[K.WITHHOLDING].lines
    regime = "INTEGRAL" if p.integral else "ORDINARIO"
    head = f"{p.contract};{p.documento};{name}"
    bank = f"AHORROS;{p.account};{p.bank[1]};{p.bank[0]};{p.bank[2]}"
    hired_month = _month_start(p.hired)
    threshold = 95 * 52_374
    for month in months:
        if month.start < hired_month:
            continue
        salary = next(a for s, e, a in salaries if s <= month.end and (e is None or e >= month.start))
        days = 30 - min(p.hired.day, 30) + 1 if p.hired > month.start else 30
        basic = salary * days // 30
        auxilio = month.auxilio * days // 30 if salary <= 2 * month.minimum else 0
        items = one_off.get(month.key, [])
        extras = bonuses = 0
        if items:
            extras = sum(v for _, v in items)
            bonuses = sum(v for c, v in items if c == "BON")
        income = basic + auxilio + extras
        base = (income - auxilio) * 7 // 10 if p.integral else income - auxilio
        health = (base * 4 + 50) // 100
        pension = health + ((base + 50) // 100 if base >= 4 * month.minimum else 0)
        discounts = health + pension
        for _, start, end, value in recurring:
            if start <= month.end and (end is None or end >= month.start):
                discounts += value
        taxable = (income - health - pension) * 3 // 4
        tax = (taxable - threshold) * 19 // 100 // 1000 * 1000 if taxable > threshold else 0
        discounts += tax
        deposits.append(f"{head};{income};{discounts};{income - discounts};NOM;{month.code};{bank};{month.paid_on}")
        withholding.append(
            f"{month.code};{regime};01 SEDE CALI;{p.documento};{p.contract};{income};{health};{pension};"
            f"0;{bonuses};0;0;0;0;0;0;{tax};1;{income - health - pension}"
        )


@dataclass(frozen=True)
class _Month:
    """A payroll month with what every employee's rows of that month share."""

    key: tuple[int, int]
    start: date
    end: date
    code: str
    paid_on: str
    minimum: int
    auxilio: int


def _payroll_months(last_payroll: str, count: int) -> list[_Month]:
    result = []
    for year, month in _months(last_payroll, count):
        paid = _last_business_day(year, month)
        result.append(_Month((year, month), date(year, month, 1), last_day_of_month(year, month),
                             f"{year:04d}{month:02d}M", f"{paid.day:02d}/{paid.month:02d}/{paid.year}",
                             _minimum_wage(year), _auxilio(year)))
    return result


def _write_absences(rng: random.Random, p: _Person, cutoff: date, fmt: _DateFormatter,
                    w: dict[FileKind, _Writer]) -> None:
    """Yearly vacations and a few sick leaves; the entitlement file agrees with them."""
    K = FileKind
    name = p.full_name
    absences, entitlements = w[K.ABSENCES], w[K.VACATION_ENTITLEMENTS]
    year_start = p.hired
    year_index = 0
    while year_start <= cutoff:
        year_end = _anniversary(p.hired, p.hired.year + year_index + 1) - timedelta(days=1)
        label = f"{p.hired.year + year_index}-{p.hired.year + year_index + 1}"
        if year_end <= cutoff:
            complete = year_end < cutoff - timedelta(days=365)
            taken = 15 if complete else rng.choice((0, 5, 10, 15))
            if taken:
                start = min(year_end + timedelta(days=rng.randint(30, 200)), cutoff - timedelta(days=20))
                start = _weekday(start)
                end = start + timedelta(days=taken + taken // 5 * 2 - 1)
                absences.add(p.contract, p.documento, name, "VAC", "VCT", "VACACIONES EN TIEMPO",
                             (end - start).days + 1, "TIEMPO", fmt(start), fmt(end), taken)
            status = "DISFRUTADO" if taken == 15 else "PENDIENTE"
            entitlements.add(p.contract, label, status, 15, taken)
        else:
            days = (cutoff - year_start).days + 1
            accrued = f"{days * 15 / 360:.2f}".replace(".", ",").replace(",00", "")
            entitlements.add(p.contract, label, "EN CAUSACION", accrued, 0)
        year_index += 1
        year_start = year_end + timedelta(days=1)
    if rng.random() < 0.2:
        start = _weekday(cutoff - timedelta(days=rng.randint(10, 300)))
        if start > p.hired:
            days = rng.randint(1, 7)
            end = start + timedelta(days=days - 1)
            absences.add(p.contract, p.documento, name, "INC", "EG", "ENFERMEDAD GENERAL", days, "",
                         fmt(start), fmt(end), days)


def _anniversary(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def _anniversary_before(hired: date, cutoff: date) -> date:
    day = _anniversary(hired, cutoff.year)
    return day if day <= cutoff else _anniversary(hired, cutoff.year - 1)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_between(start: date, end: date) -> int:
    """Payroll months from ``start``'s month to ``end``'s month, inclusive (0 if end < start)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_ASCII = str.maketrans("ÁÉÍÓÚÜÑáéíóúüñ", "AEIOUUNaeiouun")


def _ascii(text: str) -> str:
    return text.translate(_ASCII)
