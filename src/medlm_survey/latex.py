"""Unicode text -> LaTeX that classic BibTeX and pdflatex typeset, with the file kept ASCII.

Used by the BibTeX export (:mod:`medlm_survey.bibtex`). Every Latin letter of Latin-1 and
Latin Extended-A, every letter of the Vietnamese alphabet and every Greek letter gets an
ASCII spelling; tests compile them all with classic ``bibtex`` + ``pdflatex``, and with
biber + biblatex all but the letters with two stacked accents (see below;
``tests/contrib/test_bibtex_latex.py``).

Spellings, and what a document needs for them:

- Accented letters are built from LaTeX's accent commands over the base letter, innermost
  mark first, and braced once at the outside as BibTeX wants a "special character":
  ``{\\"u}``, ``{\\c C}``, ``{\\~{\\^e}}`` (ễ), ``{\\d{\\u a}}`` (ặ). BibTeX then counts
  each as one letter, so initials (``{\\DJ}.``) and sorting work. T1 fonts
  (``\\usepackage[T1]{fontenc}``) typeset all of them.
- biber decodes these spellings to UTF-8, except letters with two stacked accents
  (``{\\~{\\^e}}`` becomes ``{\\~ê}``, which pdflatex rejects; plk/biber#405). No ASCII
  spelling satisfies both; this one is what classic BibTeX and LaTeX need (and what Better
  BibTeX writes).
- Vietnamese horn letters and the hook above (ơ ư ả) exist only in the T5 encoding (vntex):
  ``{\\ohorn}``, ``{\\uhorn}``, ``{\\h a}``, ``{\\'{\\uhorn}}``. A document that cites them loads
  T5 as its main encoding (``\\usepackage[T1,T5]{fontenc}`` or the ``vntex`` package); these
  are the names biber decodes and Vietnamese LaTeX uses.
- Greek letters are maths: ``{\\ensuremath{\\beta}}`` (capitals without a maths command, such
  as Alpha, are ``\\mathrm{A}``); maths spans a title writes (``$k$``) stay as written.
- The few Latin letters no LaTeX encoding has (Maltese ħ, Sami ŧ, ...) get the closest
  spelling that compiles everywhere; see :data:`LETTERS`.

Characters with no spelling here (e.g. CJK) stay UTF-8: biber reads them, pdflatex needs a
package for that script.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters LaTeX gives a meaning; escaped so they print as themselves.
SPECIALS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so a lone "\{" would unbalance a field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

#: Letters that are not an ASCII letter plus marks, and a few punctuation marks.
LETTERS = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}",
    "Ł": r"{\L}", "œ": r"{\oe}", "Œ": r"{\OE}", "å": r"{\aa}", "Å": r"{\AA}", "ı": r"{\i}",
    "ȷ": r"{\j}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}", "đ": r"{\dj}",
    "Đ": r"{\DJ}", "ŋ": r"{\ng}", "Ŋ": r"{\NG}", "ĳ": r"{\ij}", "Ĳ": r"{\IJ}",
    "ẞ": r"{\SS}", "ª": r"{\textordfeminine}", "º": r"{\textordmasculine}",
    # No LaTeX encoding has these; the nearest spelling that compiles with T1 fonts.
    "ħ": r"{\ensuremath{\hbar}}",
    "Ħ": r"{\ooalign{H\cr\hidewidth\raisebox{.35ex}{-}\hidewidth}}",
    "ŧ": r"{\ooalign{t\cr\hidewidth\raisebox{.1ex}{-}\hidewidth}}",
    "Ŧ": r"{\ooalign{T\cr\hidewidth\raisebox{.1ex}{-}\hidewidth}}",
    "ĸ": r"{\textsc{k}}", "ŀ": r"l{\textperiodcentered}", "Ŀ": r"L{\textperiodcentered}",
    "ŉ": r"{\textquoteright}n", "ſ": "s",
    # Punctuation and symbols that titles use.
    "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "„": ",,",
    "\u00a0": "~", "…": r"{\ldots}", "·": r"{\textperiodcentered}", "×": r"{\texttimes}",
    "±": r"{\textpm}", "°": r"{\textdegree}", "µ": r"{\ensuremath{\mu}}", "§": r"{\S}", "¶": r"{\P}",
    "©": r"{\textcopyright}", "®": r"{\textregistered}", "™": r"{\texttrademark}",
    "«": r"{\guillemotleft}", "»": r"{\guillemotright}", "‹": r"{\guilsinglleft}",
    "›": r"{\guilsinglright}", "¡": r"{\textexclamdown}", "¿": r"{\textquestiondown}",
    "€": r"{\texteuro}", "£": r"{\pounds}", "¢": r"{\textcent}", "¥": r"{\textyen}",
    "†": r"{\dag}", "‡": r"{\ddag}", "•": r"{\textbullet}", "′": r"{$'$}", "≤": r"{$\leq$}",
    "≥": r"{$\geq$}", "≈": r"{$\approx$}", "→": r"{$\rightarrow$}", "−": r"{$-$}",
}  # fmt: skip

#: Combining marks -> accent command. Symbol accents are written ``\"u``, letter accents
#: ``\c C``; ``h`` (hook above) is the T5 accent of vntex.
ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u0309": "h", "\u030a": "r", "\u030b": "H", "\u030c": "v",
    "\u0323": "d", "\u0326": "textcommabelow", "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip
_HORN = "\u031b"
#: Vietnamese letters with a horn: T5 symbols (vntex), which other marks then go over.
HORN_LETTERS = {"o": r"\ohorn", "O": r"\OHORN", "u": r"\uhorn", "U": r"\UHORN"}
#: Combining classes of marks attached or drawn below (cedilla, ogonek, dot below ...).
_BELOW = (202, 220)

#: Greek letters -> maths commands (capitals that look Latin have none: upright Latin).
GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ϵ": r"\epsilon", "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ϑ": r"\vartheta",
    "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi",
    "ο": "o", "π": r"\pi", "ϖ": r"\varpi", "ρ": r"\rho", "ϱ": r"\varrho", "σ": r"\sigma",
    "ς": r"\varsigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\varphi", "ϕ": r"\phi",
    "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi",
    "Σ": r"\Sigma", "Υ": r"\Upsilon", "ϒ": r"\Upsilon", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "Α": r"\mathrm{A}", "Β": r"\mathrm{B}", "Ε": r"\mathrm{E}", "Ζ": r"\mathrm{Z}",
    "Η": r"\mathrm{H}", "Ι": r"\mathrm{I}", "Κ": r"\mathrm{K}", "Μ": r"\mathrm{M}",
    "Ν": r"\mathrm{N}", "Ο": r"\mathrm{O}", "Ρ": r"\mathrm{P}", "Τ": r"\mathrm{T}",
    "Χ": r"\mathrm{X}",
}  # fmt: skip
#: Combining marks over Greek letters (tonos, dialytika ...) -> maths accents.
MATH_ACCENTS = {
    "\u0300": r"\grave", "\u0301": r"\acute", "\u0304": r"\bar", "\u0306": r"\breve",
    "\u0308": r"\ddot", "\u0342": r"\tilde",
}  # fmt: skip

#: A maths span as pandoc reads ``$...$``: a non-space after the opening and before the
#: closing dollar, no digit right after it (so '$5 and $10' is text).
_MATHS_RE = re.compile(r"\$(?![\s$])(?:\\.|[^$\\])+?(?<!\s)\$(?!\d)")
#: Characters that are not allowed even inside maths (a comment, a table or parameter char).
_MATHS_SPECIALS = {"%": r"\%", "#": r"\#", "&": r"\&"}


def escape(text: str) -> str:
    """Plain text -> ASCII LaTeX: specials escaped, accents braced, Greek as maths.

    Characters without a spelling (e.g. CJK) stay as they are.
    """
    return "".join(escape_char(char) for char in text)


def escape_char(char: str) -> str:
    if char in SPECIALS:
        return SPECIALS[char]
    if ord(char) < 128:
        return char
    if char in LETTERS:
        return LETTERS[char]
    greek = _greek(char)
    if greek is not None:
        # \ensuremath, not $...$: "{\ensuremath" opens a BibTeX special character, which
        # abbreviates to itself ("{\ensuremath{\Delta}}."), where "{$" would give "D.".
        return f"{{\\ensuremath{{{greek}}}}}"
    letter = _accented(char)
    return char if letter is None else "{" + letter + "}"


def _accented(char: str) -> str | None:
    """``ễ`` -> ``\\~{\\^e}`` (without the outer braces); None when a mark has no command."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not marks or not ("a" <= base.lower() <= "z"):
        return None
    if marks[0] == _HORN and base in HORN_LETTERS:
        inner, marks = HORN_LETTERS[base], marks[1:]
    else:
        # i and j stay dotted ({\'i}, not {\'\i}): T1 composes í, ì, î, ï from them and
        # biber decodes them to the precomposed letter, where \i would give ı plus a
        # combining accent that pdflatex rejects (plk/biber#65).
        inner = base
    # Marks above first, marks below outermost: ``\d{\u{a}}`` puts the dot under the T1
    # glyph ă, while ``\u{\d a}`` would leave TeX's \accent without a character to sit on.
    for mark in sorted(marks, key=lambda mark: unicodedata.combining(mark) in _BELOW):
        command = ACCENTS.get(mark)
        if command is None:
            return None
        if len(inner) == 1 and len(command) == 1:
            inner = f"\\{command} {inner}" if command.isalpha() else f"\\{command}{inner}"
        else:
            inner = f"\\{command}{{{inner}}}"
    return inner


def _greek(char: str) -> str | None:
    """A Greek letter as maths (``\\beta``), with tonos or dialytika as maths accents."""
    if char in GREEK:
        return GREEK[char]
    base, *marks = unicodedata.normalize("NFD", char)
    if base not in GREEK or not marks or any(mark not in MATH_ACCENTS for mark in marks):
        return None
    letter = GREEK[base]
    for mark in marks:
        letter = f"{MATH_ACCENTS[mark]}{{{letter}}}"
    return letter


def maths_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``$...$`` maths span whose braces balance."""
    spans = []
    for match in _MATHS_RE.finditer(text):
        body = match[0][1:-1]
        depth = 0
        for char in re.sub(r"\\.", "", body):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                break
        if depth == 0:
            spans.append(match.span())
    return spans


def escape_maths(span: str) -> str:
    """A ``$...$`` span kept as maths: only characters that break LaTeX or BibTeX change
    (``%``, ``#``, ``&``, Greek letters typed as Unicode)."""
    out = []
    for char in span:
        if char in _MATHS_SPECIALS:
            out.append(_MATHS_SPECIALS[char])
        elif (greek := _greek(char)) is not None:
            out.append(greek + "{}")
        else:
            out.append(char)
    return "".join(out)
