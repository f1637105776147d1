"""paper_text: tables and text from arXiv HTML and from LaTeX e-prints, read safely in memory."""

from __future__ import annotations

import gzip
import os
import tarfile

import pytest

from medlm_survey import paper_text
from medlm_survey.paper_text import (
    PaperText,
    SourceError,
    caption_label,
    latex_tables,
    read_eprint,
    read_html,
    tex_files,
)
from tests.contrib.sources import HTML_2401, MAIN_TEX, RESULTS_TEX, eprint_2402, gzipped, tarball

# --- HTML ---------------------------------------------------------------------------------

def test_html_tables_are_found_with_their_printed_numbers():
    paper = read_html(HTML_2401, "2401.00001", "https://arxiv.org/html/2401.00001")
    assert [t.label for t in paper.tables] == ["1", "2"]
    assert paper.tables[0].caption == "Table 1: Main results on Toy VQA (accuracy, %; AUROC)."
    assert "83.2 ± 0.4" in paper.tables[0].text  # the MathML, without its TeX annotation
    assert "83.2\\pm" not in paper.tables[0].text
    assert "71.00 1" in paper.tables[0].text  # a footnote mark is not glued to the number
    assert paper.tables[1].caption == "Table 2: Ablations (accuracy as a fraction of 1)."  # caption below


def test_html_text_leaves_out_head_scripts_and_styles():
    paper = read_html(HTML_2401, "2401.00001", "u")
    assert "reaches 77.7 accuracy" in paper.text
    assert "12.3" not in paper.text and "99.9" not in paper.text


def test_plain_html_tables_with_caption_elements():
    page = b"""<html><body><p>Intro 1.5</p>
    <table><caption>TABLE IV. Scores</caption><tr><td>a</td><td>88.1</td></tr></table>
    <table><tr><td>b</td><td>77.2</td></tr></table>
    </body></html>"""
    paper = read_html(page, "x", "u")
    assert [(t.label, t.caption) for t in paper.tables] == [("IV", "TABLE IV. Scores"), (None, "")]
    assert "77.2" in paper.tables[1].text


def test_nested_tables_belong_to_the_outer_block():
    page = b"""<figure class="ltx_table"><figure class="ltx_table"><table><tr><td>1.25</td></tr></table>
    <figcaption>(a) left</figcaption></figure><figcaption><span class="ltx_tag">Table 7: </span>Both</figcaption></figure>"""
    paper = read_html(page, "x", "u")
    assert [(t.label, t.caption) for t in paper.tables] == [("7", "Table 7: Both")]


def test_html_missing_end_tags_are_forgiven():
    paper = read_html(b"<body><table><tr><td>3.5<td>4.5</table><p>after 9.5", "x", "u")
    assert len(paper.tables) == 1 and "4.5" in paper.tables[0].text and "9.5" not in paper.tables[0].text


def test_an_empty_page_is_a_source_error():
    with pytest.raises(SourceError, match="holds no text"):
        read_html(b"<html><head><title>x</title></head><body></body></html>", "x", "u")


@pytest.mark.parametrize(
    "caption, label",
    [("Table 3: Results", "3"), ("TABLE IV. Results", "IV"), ("Table A1: More", "A1"), ("Tab. 2 x", "2"),
     ("Table S3 extra", "S3"), ("Results in a table", None), ("Figure 3: a plot", None)],
)  # fmt: skip
def test_caption_labels(caption, label):
    assert caption_label(caption) == label


# --- LaTeX ----------------------------------------------------------------------------------

def test_an_eprint_tarball_gives_its_tables_in_document_order():
    paper = read_eprint(eprint_2402(), "2402.00002", "https://arxiv.org/e-print/2402.00002")
    assert paper.kind == "latex"
    assert [t.label for t in paper.tables] == ["1", "2"]  # the commented-out table does not count
    assert paper.tables[0].caption == "Zero-shot results on Toy VQA. (\\label{tab:zero})"
    assert "\\best{59.0}$^{\\dagger}$" in paper.tables[0].text
    assert paper.tables[1].caption == "Fine-tuned results (mean $\\pm$ s.d. over 3 seeds)."
    assert "68.4$\\pm$0.3" in paper.tables[1].text


def test_latex_text_leaves_out_comments_and_what_follows_the_document():
    paper = read_eprint(eprint_2402(), "2402.00002", "u")
    assert "61.7" in paper.text
    assert "33.3" not in paper.text and "99.1" not in paper.text and "44.4" not in paper.text


def test_a_gzipped_single_file_and_a_plain_tar_are_read():
    assert tex_files(gzipped("\\documentclass{article}\\begin{document}1.5\\end{document}")) == {
        "main.tex": "\\documentclass{article}\\begin{document}1.5\\end{document}"
    }
    assert set(tex_files(tarball({"a.tex": "\\x", "b.txt": "no"}, compress=False))) == {"a.tex"}


def test_inputs_are_followed_from_the_main_file_and_cycles_stop():
    files = {
        "paper.tex": "\\documentclass{article}\\begin{document}\\input{parts/a}\\include{b}\\end{document}",
        "parts/a.tex": "A \\input{c.tex}",  # LaTeX resolves it from the main file's folder
        "c.tex": "C \\input{parts/a}",
        "b.tex": "B \\import{parts/}{d}",
        "parts/d.tex": "D",
        "old-draft.tex": "\\begin{table}\\caption{not in the paper}\\end{table}",
    }
    document = paper_text.latex_document(files)
    assert document.replace("\n", "") == "\\documentclass{article}\\begin{document}A C \\input{parts/a}B D"


def test_table_environments_of_every_kind_are_counted():
    tex = (
        "\\begin{table}[h]\\caption{One}x\\end{table}"
        "\\begin{sidewaystable}\\caption{Two}\\end{sidewaystable}"
        "\\begin{longtable}{ll}\\caption{Three}\\\\ 1 & 2\\end{longtable}"
        "\\begin{figure}\\caption{A figure}\\end{figure}"
        "\\begin{table*}\\captionof{table}{Four \\textbf{bold}}\\end{table*}"
    )
    assert [(t.label, t.caption) for t in latex_tables(tex)] == [
        ("1", "One"), ("2", "Two"), ("3", "Three"), ("4", "Four \\textbf{bold}")
    ]


def test_a_pdf_only_submission_is_a_source_error():
    with pytest.raises(SourceError, match="only a PDF"):
        tex_files(b"%PDF-1.5\n...")
    with pytest.raises(SourceError, match="only a PDF"):
        tex_files(gzip.compress(b"%PDF-1.5\n..."))


@pytest.mark.parametrize(
    "content, message",
    [(b"\x1f\x8b\x08\x00garbage", "not a readable"), (b"just some bytes", "neither a tar archive nor a LaTeX file"),
     (tarball({"figure.png": b"\x89PNG"}), "holds no .tex file")],
)  # fmt: skip
def test_unreadable_eprints_are_source_errors(content, message):
    with pytest.raises(SourceError, match=message):
        tex_files(content)


# --- hostile archives -------------------------------------------------------------------------

def test_members_outside_the_archive_links_and_devices_are_never_read(tmp_path):
    outside = tmp_path / "secret.tex"
    outside.write_text("\\secret 12.34")
    archive = tarball(
        {"main.tex": "\\documentclass{article}\\begin{document}ok\\end{document}", "../escape.tex": "\\x 1",
         "/absolute.tex": "\\x 2", "sub/../../up.tex": "\\x 3", "./fine.tex": "\\x 4"},
        links={"link.tex": str(outside), "sub/rel.tex": "../../secret.tex"},
    )  # fmt: skip
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        files = tex_files(archive)
    finally:
        os.chdir(cwd)
    assert set(files) == {"main.tex", "fine.tex"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.tex"]  # nothing written


def test_a_decompression_bomb_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(paper_text, "MAX_UNPACKED_BYTES", 64 * 1024)
    bomb = tarball({"main.tex": "\\x", "zeros.bin": bytes(1024 * 1024)})
    assert len(bomb) < 8 * 1024  # a megabyte of zeros compresses to almost nothing
    with pytest.raises(SourceError, match="unpacks to more than"):
        tex_files(bomb)


def test_oversized_tex_files_are_skipped_and_the_total_is_bounded(monkeypatch):
    monkeypatch.setattr(paper_text, "MAX_TEX_FILE_BYTES", 100)
    assert set(tex_files(tarball({"main.tex": "\\x", "huge.tex": "\\y" * 100}))) == {"main.tex"}
    monkeypatch.setattr(paper_text, "MAX_TEX_BYTES", 150)
    with pytest.raises(SourceError, match="add up to more than"):
        tex_files(tarball({"a.tex": "\\a" * 40, "b.tex": "\\b" * 40}))


def test_too_many_members_stop_the_reading(monkeypatch):
    monkeypatch.setattr(paper_text, "MAX_MEMBERS", 5)
    with pytest.raises(SourceError, match="more than 5 files"):
        tex_files(tarball({f"f{i}.txt": "x" for i in range(10)}))


def test_a_truncated_archive_is_a_source_error():
    archive = tarball({"main.tex": "\\documentclass{article}" + "x" * 5000})
    raw = gzip.decompress(archive)[:1500]
    with pytest.raises(SourceError, match="not a readable archive"):
        tex_files(gzip.compress(raw))


def test_latin1_sources_are_read():
    assert tex_files(tarball({"main.tex": "\\section{Résumé}".encode("latin-1")}))["main.tex"] == "\\section{Résumé}"


def test_paper_text_round_trips_through_json():
    paper = read_html(HTML_2401, "2401.00001", "u")
    assert PaperText.from_json(paper.to_json()) == paper


def test_tar_members_are_read_in_a_stream_not_extracted(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be extracted to disk")

    monkeypatch.setattr(tarfile.TarFile, "extract", refuse)
    monkeypatch.setattr(tarfile.TarFile, "extractall", refuse)
    assert set(tex_files(eprint_2402())) == {"main.tex", "sections/results.tex"}
    assert sorted(tex_files(eprint_2402()).values()) == sorted([MAIN_TEX, RESULTS_TEX])
