"""Labour-law corpus: coverage, citations, retrieval, and "I don't know"."""

from __future__ import annotations

import pytest

from chatnomina.assistant.knowledge import MIN_SCORE

PUBLIC_NORMATIVA = {
    "¿Qué dice la ley sobre las vacaciones?": "vacaciones",
    "¿Cuándo se paga la prima?": "prima_servicios",
    "¿Cuánto es el salario mínimo?": "salario_minimo",
    "¿Qué son las cesantías?": "cesantias",
    "¿Cuánto es el recargo dominical?": "dominicales_festivos",
    "¿Qué es el salario integral?": "salario_integral",
    "¿Cuántas horas extra puedo trabajar a la semana?": "horas_extras",
    "¿Cómo se calculan los intereses de las cesantías?": "intereses_cesantias",
    "¿Qué es el auxilio de transporte?": "auxilio_transporte",
    "¿Qué dice el Código Sustantivo del Trabajo sobre la dotación?": "dotacion",
}

OWN_QUESTIONS = {
    "¿qué dice la ley de las horas extras?": "horas_extras",
    "¿cuánto se paga la hora extra nocturna?": "horas_extras",
    "¿desde qué hora es el recargo nocturno?": "recargo_nocturno",
    "¿cuánto pagan por trabajar un domingo?": "dominicales_festivos",
    "¿cuánto es el recargo por trabajar un festivo?": "dominicales_festivos",
    "¿qué festivos hay en 2026?": "festivos",
    "¿cuántas horas es la jornada laboral ahora?": "jornada_laboral",
    "¿cuándo baja la jornada a 42 horas?": "jornada_laboral",
    "¿cuándo se paga la prima de diciembre?": "prima_servicios",
    "¿hasta cuándo hay plazo para consignar las cesantías al fondo?": "cesantias",
    "¿cuándo pagan los intereses de cesantías?": "intereses_cesantias",
    "¿cuántos días de vacaciones da la ley?": "vacaciones",
    "¿se pueden pagar las vacaciones en dinero?": "vacaciones",
    "¿quién tiene derecho al auxilio de transporte?": "auxilio_transporte",
    "¿cuánto es el salario mínimo en 2026?": "salario_minimo",
    "¿cuánto debe ganar uno para tener salario integral?": "salario_integral",
    "¿quién paga los primeros días de incapacidad?": "incapacidades",
    "¿cuánto paga la EPS por una incapacidad?": "incapacidades",
    "¿cuánto dura la licencia de maternidad?": "licencia_maternidad",
    "¿cuántas semanas de licencia de paternidad dan?": "licencia_paternidad",
    "¿cuántos días dan de licencia de luto?": "otras_licencias",
    "¿cómo funciona la retención en la fuente?": "retencion_fuente",
    "¿cuánto vale la UVT este año?": "retencion_fuente",
    "¿qué puedo deducir para bajar la retención?": "retencion_depuracion",
    "¿cuánto se aporta a salud y pensión?": "aportes_seguridad_social",
    "¿qué es el IBC?": "aportes_seguridad_social",
    "¿qué es el fondo de solidaridad pensional?": "fondo_solidaridad",
    "¿cuánto paga el empleador de caja de compensación?": "aportes_empleador",
    "¿cuánto es la indemnización por despido sin justa causa?": "indemnizacion_despido",
    "¿qué me tienen que pagar si renuncio?": "liquidacion_final",
    "¿cada cuánto me deben dar dotación?": "dotacion",
    "¿y de la prima?": "prima_servicios",
}

# Paraphrases written after the corpus, to check retrieval does not depend on exact wording.
PARAPHRASES = {
    "¿a cuánto está la hora extra diurna?": "horas_extras",
    "¿cuántas horas extras se pueden hacer al día?": "horas_extras",
    "¿cuánto se paga la hora extra en domingo?": "dominicales_festivos",
    "¿cuánto es el recargo dominical en 2026?": "dominicales_festivos",
    "¿si trabajo un festivo me deben dar un día compensatorio?": "dominicales_festivos",
    "¿desde qué hora empiezan a pagar nocturno?": "recargo_nocturno",
    "¿el recargo nocturno empieza a las 7 de la noche?": "recargo_nocturno",
    "¿cuántas horas a la semana debo trabajar?": "jornada_laboral",
    "¿de cuántas horas es la jornada en 2026?": "jornada_laboral",
    "¿cuándo es la fecha límite para pagar la prima?": "prima_servicios",
    "¿cuánto me dan de prima si trabajé seis meses?": "prima_servicios",
    "¿cuándo consignan las cesantías?": "cesantias",
    "¿puedo retirar las cesantías para comprar casa?": "cesantias",
    "¿a cuánto equivalen los intereses de las cesantías?": "intereses_cesantias",
    "¿cuántos días hábiles de vacaciones me dan al año?": "vacaciones",
    "¿me pueden pagar las vacaciones en plata?": "vacaciones",
    "¿se pueden acumular las vacaciones?": "vacaciones",
    "¿cuánto es el subsidio de transporte?": "auxilio_transporte",
    "¿hasta qué salario dan auxilio de transporte?": "auxilio_transporte",
    "¿cuánto quedó el mínimo?": "salario_minimo",
    "¿el salario mínimo fue suspendido?": "salario_minimo",
    "¿qué incluye el salario integral?": "salario_integral",
    "¿cuánto paga la EPS de incapacidad?": "incapacidades",
    "¿me pagan completo si estoy incapacitado?": "incapacidades",
    "¿cuántas semanas dura la licencia de maternidad?": "licencia_maternidad",
    "¿cuántos días de licencia le dan al papá?": "licencia_paternidad",
    "¿qué licencia me dan si se muere mi mamá?": "otras_licencias",
    "¿cómo se calcula la retención en la fuente?": "retencion_fuente",
    "¿cuánto vale la UVT en 2026?": "retencion_fuente",
    "¿los hijos sirven para bajar la retención?": "retencion_depuracion",
    "¿la cuenta AFC reduce la retención?": "retencion_depuracion",
    "¿cuánto aporta uno a salud?": "aportes_seguridad_social",
    "¿cuál es el tope del IBC?": "aportes_seguridad_social",
    "¿quién paga el fondo de solidaridad?": "fondo_solidaridad",
    "¿desde cuánto se paga FSP?": "fondo_solidaridad",
    "¿cuánto se paga de ARL?": "aportes_empleador",
    "¿cuánto es el aporte a caja de compensación?": "aportes_empleador",
    "¿cuánto me tienen que pagar si me despiden sin justa causa?": "indemnizacion_despido",
    "¿cómo se calcula la indemnización en un contrato a término fijo?": "indemnizacion_despido",
    "¿qué incluye la liquidación final?": "liquidacion_final",
    "¿qué pasa si no me pagan la liquidación a tiempo?": "liquidacion_final",
    "¿quién tiene derecho a dotación?": "dotacion",
    "¿en qué fechas entregan la dotación?": "dotacion",
    "¿cuáles son los festivos de diciembre?": "festivos",
    "¿qué licencia me dan si se murió mi papá?": "otras_licencias",
}

REQUIRED_FACTS = {
    "horas_extras": ["25 %", "75 %", "12 a la semana", "CST art. 168"],
    "recargo_nocturno": ["19:00", "25 de diciembre de 2025", "35 %", "Ley 2466 de 2025"],
    "dominicales_festivos": ["75 %", "80 %", "90 %", "100 %", "1 de julio de 2025",
                             "1 de julio de 2026", "1 de julio de 2027", "Ley 2466 de 2025"],
    "jornada_laboral": ["48 horas", "47 horas", "46 horas", "44 horas", "42 horas",
                        "15 de julio de 2026", "Ley 2101 de 2021"],
    "prima_servicios": ["30 de junio", "20 de diciembre", "CST art. 306"],
    "cesantias": ["14 de febrero", "CST art. 249", "Ley 50 de 1990"],
    "intereses_cesantias": ["12 %", "31 de enero", "Ley 52 de 1975"],
    "vacaciones": ["15 días hábiles", "CST art. 186", "CST art. 189"],
    "auxilio_transporte": ["$249.095", "dos salarios mínimos"],
    "salario_minimo": ["$1.750.905", "Decreto 1469 de 2025", "Decreto 0159"],
    "salario_integral": ["13 SMMLV", "CST art. 132", "70 %"],
    "incapacidades": ["66,67 %", "días 1 y 2", "día 3"],
    "licencia_maternidad": ["18 semanas", "Ley 1822 de 2017"],
    "licencia_paternidad": ["2 semanas", "Ley 2114 de 2021"],
    "retencion_fuente": ["$52.374", "art. 383", "95 UVT"],
    "aportes_seguridad_social": ["4 %", "8,5 %", "12 %"],
    "fondo_solidaridad": ["1 %", "2 %", "Ley 797"],
    "indemnizacion_despido": ["CST art. 64", "30 días", "20 días"],
    "dotacion": ["CST art. 230", "cuatro meses"],
}  # fmt: skip


def test_every_public_normativa_example_retrieves_its_passage(knowledge, public_rows):
    questions = [r["text"] for r in public_rows if r["intent"] == "normativa"]
    assert set(questions) == set(PUBLIC_NORMATIVA)
    for question in questions:
        match = knowledge.best(question)
        assert match is not None, question
        assert match.passage.id == PUBLIC_NORMATIVA[question], (question, match.passage.id)


@pytest.mark.parametrize(
    ("question", "passage_id"), sorted({**OWN_QUESTIONS, **PARAPHRASES}.items())
)
def test_own_questions_retrieve_the_right_passage(knowledge, question, passage_id):
    match = knowledge.best(question)
    assert match is not None
    assert match.passage.id == passage_id
    assert match.score >= MIN_SCORE
    assert match.citation == match.passage.citation


@pytest.mark.parametrize(
    "question",
    [
        "¿qué dice la ley sobre el teletrabajo en Marte?",
        "¿cuál es la capital de Francia?",
        "¿quién ganó el partido?",
        "¿cómo se prepara un sancocho?",
        "asdkjh qwe",
        "",
    ],
)
def test_unknown_topics_return_nothing(knowledge, question):
    assert knowledge.best(question) is None


@pytest.mark.parametrize(("passage_id", "facts"), sorted(REQUIRED_FACTS.items()))
def test_passages_state_the_key_facts_with_their_sources(knowledge, passage_id, facts):
    passage = knowledge.get(passage_id)
    written = passage.text + " " + passage.citation
    missing = [fact for fact in facts if fact not in written]
    assert not missing


def test_every_passage_cites_a_norm_and_has_keywords(knowledge):
    assert len(knowledge.passages) >= 20
    for passage in knowledge.passages:
        assert passage.citation and passage.title and passage.text
        assert any(word in passage.citation for word in ("CST", "Ley", "Decreto", "Estatuto"))
        assert passage.keywords
    assert len({p.id for p in knowledge.passages}) == len(knowledge.passages)


def test_search_ranks_several_passages_best_first(knowledge):
    results = knowledge.search("licencia de maternidad y paternidad", limit=3)
    assert len(results) == 3
    assert results[0].score >= results[1].score >= results[2].score
    assert {results[0].passage.id, results[1].passage.id} == {
        "licencia_maternidad",
        "licencia_paternidad",
    }
