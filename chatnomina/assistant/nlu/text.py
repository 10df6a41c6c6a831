"""Text normalisation shared by the classifier, the entity extractors and the knowledge search.

Employees write the way they talk: no accents, ALL CAPS, "q" for "que", "pasao" for
"pasado", "holaaaa". Everything downstream sees one canonical form: lower case, no accents
(ñ becomes n), repeated letters collapsed, chat abbreviations expanded, and punctuation turned
into spaces, except ``?`` which the compound splitter needs.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["ABBREVIATIONS", "NUMBER_TOKEN", "fold", "normalize", "tokens"]

#: What every number becomes in the classifier's view, so "5 millones" and "7 millones" look alike.
NUMBER_TOKEN = "num"

#: Chat shorthand and its expansion.
ABBREVIATIONS = {
    "q": "que",
    "k": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "x": "por",
    "tb": "tambien",
    "tmb": "tambien",
    "tbn": "tambien",
    "pa": "para",
    "pal": "para el",
    "d": "de",
    "dnd": "donde",
    "cdo": "cuando",
    "cto": "cuanto",
    "info": "informacion",
    "porfa": "por favor",
    "porfis": "por favor",
    "plis": "por favor",
    "pls": "por favor",
    "xfa": "por favor",
    "xfavor": "por favor",
    "nomina": "nomina",
    "ud": "usted",
    "uds": "ustedes",
    "vr": "valor",
    "vlr": "valor",
    "sr": "senor",
    "sra": "senora",
    "srta": "senorita",
}

# Colloquial past participles: "pasao", "pagao", "consignao" -> "-ado". Only verbs that matter
# here, so "cacao" or "bacalao" survive.
_PARTICIPLE = re.compile(
    r"\b(pas|pag|consign|descont|deposit|trabaj|retir|liquid|cotiz|sum|aument|baj|"
    r"program|aprob|report|registr|cambi|gan|mand|quit|entr)ao\b"
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
_NUMBER = re.compile(r"\d+(?:[.,'’]\d+)*")
_NON_WORD = re.compile(r"[^a-z0-9?%$ ]+")
_SPACES = re.compile(r"\s+")


# The common case done with one translate; anything else goes through Unicode decomposition.
# "¿" and "¡" become spaces so offsets into the folded text stay valid in the original.
_SPANISH = str.maketrans("áéíóúüñàèìòùâêîôûäëïö¿¡", "aeiouunaeiouaeiouaeio  ")


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents and diacritics (ñ → n, ü → u)."""
    folded = text.casefold().translate(_SPANISH)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def normalize(text: str, *, numbers: bool = True) -> str:
    """Canonical form of a message for matching; with ``numbers`` digits become ``num``."""
    folded = fold(text)
    folded = folded.replace("¿", " ").replace("¡", " ")
    if numbers:
        folded = _NUMBER.sub(f" {NUMBER_TOKEN} ", folded)
        folded = folded.replace("$", " pesos ").replace("%", " porciento ")
    folded = _NON_WORD.sub(" ", folded)
    folded = _REPEATS.sub(r"\1", folded)
    words = []
    for word in folded.split():
        words.append(ABBREVIATIONS.get(word, word))
    joined = " ".join(words)
    joined = _PARTICIPLE.sub(r"\1ado", joined)
    return _SPACES.sub(" ", joined.replace("?", " ? ")).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of the normalised ``text`` (question marks dropped)."""
    return [t for t in normalize(text).split() if t != "?"]
