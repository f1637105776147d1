"""The letters the BibTeX export must spell in ASCII LaTeX: every Latin letter of Latin-1 and
Latin Extended-A, the Vietnamese alphabet and the Greek alphabet (with tonos and dialytika).

Each is a tuple of one-character strings; tests run over every letter, not examples.
"""

from __future__ import annotations

import unicodedata


def _letters(first: int, last: int) -> tuple[str, ...]:
    return tuple(
        c for c in map(chr, range(first, last + 1)) if unicodedata.category(c) in ("Lu", "Ll")
    )


#: Latin-1 Supplement and Latin Extended-A letters (À ... ſ), including ß, Þ, Đ, Ŋ, Ħ.
LATIN = _letters(0x00C0, 0x00FF) + _letters(0x0100, 0x017F)

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # level, huyền, sắc, hỏi, ngã, nặng
#: The letters of the Vietnamese alphabet beyond ASCII: every vowel with every tone, both
#: cases, and đ Đ.
VIETNAMESE = tuple(
    letter
    for vowel in _VOWELS
    for base in (vowel, vowel.upper())
    for tone in _TONES
    if not (letter := unicodedata.normalize("NFC", base + tone)).isascii()
) + ("đ", "Đ")

#: Greek letters (basic, final sigma, the variant forms) and the accented ones of monotonic Greek.
GREEK = _letters(0x0391, 0x03C9) + tuple("ϑϕϖϵϱ") + tuple("άέήίόύώΆΈΉΊΌΎΏϊϋΐΰ")

#: Letters no LaTeX font encoding has; the export spells them by an approximation that
#: compiles (see medlm_survey.latex.LETTERS), so PDF text shows something else.
APPROXIMATED = tuple("ĦħĸĿŀŉŦŧſ")
