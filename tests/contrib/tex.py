"""Compile BibTeX with Debian's TeX Live: classic bibtex + pdflatex (natbib) or biber + biblatex.

Used by test_bibtex_latex.py. Missing tools skip the tests locally, with the Debian package
to install; where the ``CI`` environment variable is set they fail instead (.ci/system-deps
installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

#: What the compile tests run, and the Debian package that provides it.
TOOLS = {
    "pdflatex": "texlive-latex-base",
    "bibtex": "texlive-latex-base",
    "biber": "biber",
    "pdftotext": "poppler-utils",
    "kpsewhich": "texlive-latex-base",
}
#: LaTeX files the documents load, and the Debian package that provides each.
TEX_FILES = {
    "natbib.sty": "texlive-latex-base",
    "plainnat.bst": "texlive-latex-base",
    "abbrvnat.bst": "texlive-latex-base",
    "unsrt.bst": "texlive-latex-base",  # texlive-base, which it depends on
    "url.sty": "texlive-latex-base",
    "biblatex.sty": "texlive-bibtex-extra",
    "etoolbox.sty": "texlive-latex-recommended",  # biblatex needs it
    "lmodern.sty": "lmodern",
    "t1lmr.fd": "lmodern",
    "t5enc.def": "texlive-lang-other",
}


def require_tex() -> None:
    """Skip (or, under CI, fail) unless every tool and LaTeX file is installed."""
    missing = {tool: package for tool, package in TOOLS.items() if shutil.which(tool) is None}
    if "kpsewhich" not in missing:
        for name, package in TEX_FILES.items():
            found = subprocess.run(
                ["kpsewhich", name], capture_output=True, text=True
            ).stdout.strip()
            if not found:
                missing[name] = package
    else:
        missing.update(TEX_FILES)
    if missing:
        packages = " ".join(sorted(set(missing.values())))
        reason = (
            f"TeX Live is incomplete: missing {', '.join(missing)} (apt-get install {packages})"
        )
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must have them (.ci/system-deps)")
        pytest.skip(reason)


#: A document wide enough that no title or name is broken across lines, never hyphenated,
#: so pdftotext gives each bibliography item as one line.
WIDE = r"""\pdfpagewidth=200cm \paperwidth=200cm \textwidth=190cm \pdfpageheight=300cm \textheight=290cm
\hyphenpenalty=10000 \exhyphenpenalty=10000 \sloppy"""


@dataclass
class Compiled:
    """What a compile produced: the PDF's text (one bibliography item a line), the .bbl, the log."""

    text: str
    bbl: str
    log: str

    def lines(self) -> list[str]:
        return [" ".join(line.split()) for line in self.text.splitlines() if line.strip()]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300
    )


def _errors(log: str) -> list[str]:
    """LaTeX's error lines (``! ...``) with the two lines after each."""
    lines = log.splitlines()
    return [" | ".join(lines[i : i + 3]) for i, line in enumerate(lines) if line.startswith("!")]


def compile_document(
    folder: Path,
    bib: str,
    *,
    engine: str,
    encodings: str = "T1",
    style: str = "plainnat",
    cite: str = r"\nocite{*}",
    options: str = "",
    preamble: str = "",
) -> Compiled:
    """Write ``refs.bib`` and a document citing it, compile, return the PDF text.

    Args:
        engine: ``bibtex`` (natbib unless ``style`` is a classic style such as unsrt) or
            ``biber`` (biblatex with ``style`` as its bibliography style).
        encodings: the fontenc option; the last one is the document's encoding.
        cite: citation commands in the body.
        preamble: more preamble lines (e.g. ``\\DeclareUnicodeCharacter``).
    Raises:
        AssertionError: with the errors when bibtex, biber or pdflatex reports one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="ascii" if bib.isascii() else "utf-8")
    if engine == "bibtex":
        natbib = r"\usepackage{natbib}" if style.endswith("nat") else ""
        packages = rf"\usepackage{{url}}{natbib}"
        bibliography = rf"\bibliographystyle{{{style}}}\bibliography{{refs}}"
    else:
        packages = (
            rf"\usepackage[backend=biber,style={style}{',' + options if options else ''}]{{biblatex}}"
            r"\addbibresource{refs.bib}"
        )
        bibliography = r"\printbibliography"
    document = (
        "\\documentclass{article}\n"
        f"\\usepackage[{encodings}]{{fontenc}}\\usepackage{{lmodern}}{packages}\n{preamble}\n"
        f"{WIDE}\n\\begin{{document}}\n{cite}\n\n{bibliography}\n\\end{{document}}\n"
    )
    (folder / "doc.tex").write_text(document, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = _run(latex, folder)
    assert first.returncode == 0, _errors((folder / "doc.log").read_text(errors="replace"))
    tool = _run(["bibtex", "doc"] if engine == "bibtex" else ["biber", "doc"], folder)
    report = (folder / ("doc.blg")).read_text(errors="replace")
    problems = [
        line for line in report.splitlines()
        if re.search(r"error message|^I |I'm skipping|I was expecting|ERROR -|WARN -", line)
    ]  # fmt: skip
    assert tool.returncode in (0, 1) and not problems, problems or tool.stdout[-2000:]
    for _ in range(2):
        result = _run(latex, folder)
    log = (folder / "doc.log").read_text(errors="replace")
    assert result.returncode == 0 and not _errors(log), _errors(log)
    text = _run(["pdftotext", "-enc", "UTF-8", "doc.pdf", "-"], folder).stdout
    return Compiled(text=text, bbl=(folder / "doc.bbl").read_text(errors="replace"), log=log)


#: Stands in for a character no LaTeX font encoding has (CJK): documents that cite such a
#: title set up that script themselves (CJKutf8, or XeLaTeX/LuaLaTeX).
PLACEHOLDER = "?"


def declare_unknown(bib: str) -> tuple[str, dict[str, str]]:
    """Preamble lines declaring the characters ``bib`` keeps in UTF-8, and their stand-ins."""
    unknown = sorted({c for c in bib if not c.isascii()})
    lines = [f"\\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{PLACEHOLDER}}}" for c in unknown]
    return "\n".join(lines), dict.fromkeys(unknown, PLACEHOLDER)
