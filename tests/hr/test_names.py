"""Names and banks as people read them."""

from __future__ import annotations

import pytest

from chatnomina.hr.names import bank_display_name, display_full_name, display_name, mask_account


def test_a_name_from_its_columns_puts_given_names_first() -> None:
    assert display_name("MAURICIO", "OCTAVIO", "BOLAÑOS", "LONDOÑO") == "Mauricio Octavio Bolaños Londoño"
    assert display_name("LINA", "DEL PILAR", "SALAZAR", "LÓPEZ") == "Lina del Pilar Salazar López"
    assert display_name("SOFÍA", None, "PEÑA", "RAMÍREZ") == "Sofía Peña Ramírez"


@pytest.mark.parametrize(
    ("full", "display"),
    [
        ("BOLAÑOS LONDOÑO MAURICIO OCTAVIO", "Mauricio Octavio Bolaños Londoño"),
        ("CHAUX MICOLTA ESTEBAN", "Esteban Chaux Micolta"),
        ("SALAZAR LÓPEZ LINA DEL PILAR", "Lina del Pilar Salazar López"),
        ("DE LA TORRE GÓMEZ ANA", "Ana de la Torre Gómez"),
        ("OROZCO JAIME", "Jaime Orozco"),
        ("MADONNA", "Madonna"),
    ],
)
def test_a_full_name_in_export_order_is_reordered(full: str, display: str) -> None:
    assert display_full_name(full) == display


def test_banks_get_their_usual_names() -> None:
    assert bank_display_name("BANCO DE BOGOTA") == "Banco de Bogotá"
    assert bank_display_name("BBVA COLOMBIA") == "BBVA"
    assert bank_display_name("BANCO MUY NUEVO DE LA COSTA") == "Banco Muy Nuevo de la Costa"


def test_account_numbers_are_masked() -> None:
    assert mask_account("579967701") == "****7701"
