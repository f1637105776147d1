"""Paper sources for the score provenance tests: a recorded HTML page, LaTeX tarballs built here."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import responses

SOURCES = Path(__file__).parent / "data" / "sources"
SCORES = Path(__file__).parent / "data" / "scores"
HTML_2401 = (SOURCES / "2401.00001.html").read_bytes()

MAIN_TEX = r"""\documentclass{article}
\usepackage{booktabs}
\newcommand{\best}[1]{\textbf{#1}}
\begin{document}
\title{ToyBase: a baseline with a LaTeX source only}
\maketitle
\section{Results}
% \begin{table}\caption{A table left commented out: 99.1}\end{table}
ToyBase is evaluated on Toy VQA; the fine-tuned model reaches 61.7 on its dev split.
\input{sections/results}
\end{document}
Text after the end of the document is not part of the paper: 44.4
"""

RESULTS_TEX = r"""\begin{table}[t]
\centering
\caption{Zero-shot results on Toy VQA.}\label{tab:zero}
\begin{tabular}{lc}
\toprule
Model & Acc. \\
\midrule
ToyBase & \best{59.0}$^{\dagger}$ \\
Other & 57.25 \\ % 33.3 is only in a comment
\bottomrule
\end{tabular}
\end{table}

\begin{table*}
\caption[Fine-tuned]{Fine-tuned results (mean $\pm$ s.d. over 3 seeds).}
\begin{tabular}{lcc}
ToyBase & 68.4$\pm$0.3 & 12.5 \\
\end{tabular}
\end{table*}
"""


def tarball(files: dict[str, str | bytes], *, compress: bool = True, links: dict[str, str] | None = None) -> bytes:
    """A tar archive (gzipped by default) holding ``files``, plus symbolic ``links`` name -> target."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as archive:
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def eprint_2402() -> bytes:
    return tarball({"main.tex": MAIN_TEX, "sections/results.tex": RESULTS_TEX, "figures/plot.pdf": b"%PDF-1.5 not read"})


def gzipped(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))


def serve_papers(mock: responses.RequestsMock) -> None:
    """arXiv as the score tests see it: 2401.00001 has HTML; 2402.00002 only a LaTeX source;
    2403.00003 is busy whatever is asked."""
    mock.get("https://arxiv.org/html/2401.00001", body=HTML_2401, content_type="text/html; charset=utf-8")
    mock.get("https://arxiv.org/html/2402.00002", status=404, body="No HTML for '2402.00002'")
    mock.get("https://arxiv.org/e-print/2402.00002", body=eprint_2402(), content_type="application/gzip")
    for kind in ("html", "e-print"):
        mock.get(f"https://arxiv.org/{kind}/2403.00003", status=503, body="busy")
