"""Display forms of what the exports write in upper case: people's names and banks."""

from __future__ import annotations

from chatnomina.hr.values import fold

# Joining words of Spanish names, written in lower case inside a name ("Lina del Pilar").
PARTICLES = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "Y", "E", "SAN", "VAN", "VON", "DA", "DI"})
# Particles that start a compound surname or given name ("de la Torre", "del Pilar").
_LEADING = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "SAN", "VAN", "VON", "DA", "DI"})


def title_word(word: str) -> str:
    """``BOLAÑOS`` → ``Bolaños``; hyphenated parts each capitalised (``García-Herrera``)."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def title_name(text: str) -> str:
    """Title case for a name, keeping particles in lower case (``LINA DEL PILAR`` → ``Lina del Pilar``)."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        if i > 0 and fold(word) in PARTICLES:
            out.append(word.lower())
        else:
            out.append(title_word(word))
    return " ".join(out)


def display_name(
    nombre1: str | None, nombre2: str | None, apellido1: str | None, apellido2: str | None
) -> str:
    """Given names then surnames, title-cased: ``Mauricio Octavio Bolaños Londoño``."""
    parts = [p for p in (nombre1, nombre2, apellido1, apellido2) if p and p.strip()]
    return title_name(" ".join(parts))


def _units(words: list[str]) -> list[str]:
    """Group particles with the word they introduce: ``DE LA TORRE`` is one unit."""
    units: list[str] = []
    pending: list[str] = []
    for word in words:
        pending.append(word)
        if fold(word) not in _LEADING:
            units.append(" ".join(pending))
            pending = []
    if pending:
        if units:
            units[-1] = f"{units[-1]} {' '.join(pending)}"
        else:
            units.append(" ".join(pending))
    return units


def display_full_name(full_name: str) -> str:
    """``APELLIDO1 APELLIDO2 NOMBRE1 NOMBRE2`` (the exports' order) → ``Nombre1 Nombre2 Apellido1 Apellido2``.

    Used when the separate name columns are not available (e.g. ``NombreJefe``): with two
    units the first is the surname; with three or more the first two are the surnames.
    """
    units = _units(full_name.split())
    if len(units) <= 1:
        return title_name(full_name)
    surnames = 1 if len(units) == 2 else 2
    return title_name(" ".join(units[surnames:] + units[:surnames]))


# The banks' usual names (Superintendencia Financiera's list, as people say them).
_BANKS = {
    "BANCO DE BOGOTA": "Banco de Bogotá",
    "BANCO POPULAR": "Banco Popular",
    "BANCO DE OCCIDENTE": "Banco de Occidente",
    "BANCOLOMBIA": "Bancolombia",
    "BANCO CAJA SOCIAL": "Banco Caja Social",
    "BANCO CAJA SOCIAL BCSC": "Banco Caja Social",
    "BANCO AGRARIO": "Banco Agrario",
    "BANCO AGRARIO DE COLOMBIA": "Banco Agrario",
    "BANCO AV VILLAS": "Banco AV Villas",
    "AV VILLAS": "Banco AV Villas",
    "DAVIVIENDA": "Davivienda",
    "BANCO DAVIVIENDA": "Davivienda",
    "BBVA": "BBVA",
    "BBVA COLOMBIA": "BBVA",
    "SCOTIABANK COLPATRIA": "Scotiabank Colpatria",
    "COLPATRIA": "Scotiabank Colpatria",
    "BANCO GNB SUDAMERIS": "Banco GNB Sudameris",
    "ITAU": "Itaú",
    "BANCO ITAU": "Itaú",
    "BANCO FALABELLA": "Banco Falabella",
    "BANCO PICHINCHA": "Banco Pichincha",
    "BANCOOMEVA": "Bancoomeva",
    "BANCO COOPERATIVO COOPCENTRAL": "Banco Coopcentral",
    "BANCO FINANDINA": "Banco Finandina",
    "BANCO SERFINANZA": "Banco Serfinanza",
    "BANCO W": "Banco W",
    "BANCAMIA": "Bancamía",
    "BANCO MUNDO MUJER": "Banco Mundo Mujer",
    "NEQUI": "Nequi",
    "DAVIPLATA": "Daviplata",
    "LULO BANK": "Lulo Bank",
    "NU COLOMBIA": "Nu Colombia",
}


def bank_display_name(name_in_files: str) -> str:
    """``BANCO DE BOGOTA`` → ``Banco de Bogotá``; unknown banks title-cased."""
    known = _BANKS.get(" ".join(fold(name_in_files).split()))
    return known if known is not None else title_name(name_in_files)


def mask_account(number: str) -> str:
    """``579967701`` → ``****7701``: only the last four digits are ever shown."""
    return f"****{number[-4:]}"
