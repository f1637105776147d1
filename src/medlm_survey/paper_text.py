"""The text of a paper and its tables, read from arXiv's HTML or from the LaTeX source.

Pure: bytes in, :class:`PaperText` out; fetching and caching live in
:mod:`medlm_survey.arxiv_sources`. What is kept is only what the score check needs: every
table's label ("3", "A1", "IV"), caption and text, and the text of the whole paper.

The LaTeX source arrives as arXiv's e-print: a gzipped tar of the submission, a gzipped
single ``.tex`` file, or a PDF. The archive is read in memory, member by member; nothing is
written to disk, so a member named ``../../etc/passwd`` or a link cannot reach outside it.
Sizes are bounded at every step (download, decompressed stream, each ``.tex`` file, all of
them together) so that a hostile archive costs bounded time and memory.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import re
import tarfile
import zlib
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

#: Decompressed bytes read from an e-print at most (images and data included).
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
#: One .tex file, and all of them together.
MAX_TEX_FILE_BYTES = 8 * 1024 * 1024
MAX_TEX_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 10_000
#: \input nesting followed at most (a file that inputs itself stops here).
MAX_INPUT_DEPTH = 12


class SourceError(ValueError):
    """The bytes hold no readable paper text (a PDF-only submission, a broken archive, too large)."""


@dataclass(frozen=True)
class SourceTable:
    """One table of a paper.

    Attributes:
        label: its number as the paper prints it ("3", "A1", "IV"), or None when unknown.
        caption: caption text.
        text: everything in the table, caption included.
    """

    label: str | None
    caption: str
    text: str


@dataclass(frozen=True)
class PaperText:
    """What the score check reads: the tables and the whole text of one paper."""

    arxiv_id: str
    kind: str  # "html" or "latex"
    url: str
    tables: tuple[SourceTable, ...]
    text: str

    def to_json(self) -> dict:
        return {**asdict(self), "tables": [asdict(t) for t in self.tables]}

    @classmethod
    def from_json(cls, data: dict) -> PaperText:
        return cls(**{**data, "tables": tuple(SourceTable(**t) for t in data["tables"])})

    def describe(self) -> str:
        return f"arXiv {self.arxiv_id} ({'HTML' if self.kind == 'html' else 'LaTeX source'})"


_TABLE_LABEL_RE = re.compile(r"^\W*(?:table|tab\.)\s*([A-Za-z]?\d+(?:\.\d+)?|[IVXLC]+)\b", re.IGNORECASE)


def caption_label(caption: str) -> str | None:
    """'Table 3: Results' -> '3'; 'TABLE IV. ...' -> 'IV'; 'Table A1' -> 'A1'."""
    match = _TABLE_LABEL_RE.match(caption)
    return match[1] if match else None


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- HTML (arXiv's LaTeXML output, or any page with <table>) -----------------------------

#: Tags that do not separate words: a number may continue across them.
_INLINE = {"a", "abbr", "b", "em", "font", "i", "small", "span", "strong", "u"}
_SKIP = {"script", "style", "annotation", "annotation-xml", "head", "title", "noscript", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "mspace", "none", "mprescripts"}


class _TableCollector(HTMLParser):
    """Collects table blocks: a LaTeXML ``<figure class="ltx_table">``, else a ``<table>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth: int | None = None
        self.block_depth: int | None = None
        self.caption_depth: int | None = None
        self.text: list[str] = []
        self.block: list[str] = []
        self.captions: list[list[str]] = []
        self.tables: list[SourceTable] = []

    def _emit(self, piece: str) -> None:
        self.text.append(piece)
        if self.block_depth is not None:
            self.block.append(piece)
            if self.caption_depth is not None:
                self.captions[-1].append(piece)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag not in _INLINE:
                self._emit(" ")
            return
        self.stack.append(tag)
        depth = len(self.stack)
        if self.skip_depth is None and tag in _SKIP:
            self.skip_depth = depth
        if tag not in _INLINE:
            self._emit(" ")
        classes = (dict(attrs).get("class") or "").split()
        if self.block_depth is None and ((tag == "figure" and "ltx_table" in classes) or tag == "table"):
            self.block_depth, self.block, self.captions = depth, [], []
        elif self.block_depth is not None and self.caption_depth is None and tag in ("figcaption", "caption"):
            self.caption_depth = depth
            self.captions.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:  # close anything left open inside (HTML forgives missing end tags)
            depth = len(self.stack)
            closed = self.stack.pop()
            if self.skip_depth is not None and depth <= self.skip_depth:
                self.skip_depth = None
            if closed not in _INLINE:
                self._emit(" ")
            if self.caption_depth is not None and depth <= self.caption_depth:
                self.caption_depth = None
            if self.block_depth is not None and depth <= self.block_depth:
                self._close_block()
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip_depth is None:
            self._emit(data)

    def _close_block(self) -> None:
        captions = [_squash("".join(c)) for c in self.captions]
        labelled = [c for c in captions if caption_label(c)]
        caption = labelled[0] if labelled else (captions[0] if captions else "")
        self.tables.append(SourceTable(caption_label(caption), caption, _squash("".join(self.block))))
        self.block_depth = None


def read_html(content: bytes, arxiv_id: str, url: str) -> PaperText:
    """Tables and text of an HTML page."""
    text = content.decode("utf-8", errors="replace")
    parser = _TableCollector()
    parser.feed(text)
    parser.close()
    if parser.block_depth is not None:
        parser._close_block()
    whole = _squash("".join(parser.text))
    if not whole:
        raise SourceError("the HTML page holds no text")
    return PaperText(arxiv_id, "html", url, tuple(parser.tables), whole)


# --- LaTeX --------------------------------------------------------------------------------

_COMMENT_RE = re.compile(r"(?<!\\)%[^\n]*")
_INPUT_RE = re.compile(
    r"\\(?:input|include|subfile)\s*\{([^{}]+)\}"
    r"|\\input\s+([^\s{}\\]+)"
    r"|\\(?:sub)?import\*?\s*\{([^{}]*)\}\s*\{([^{}]+)\}"
)
_TABLE_ENV_RE = re.compile(r"\\begin\s*\{(table\*?|sidewaystable\*?|wraptable|longtable\*?|longtblr|supertabular)\}")
_CAPTION_RE = re.compile(r"\\caption(?:of\s*\{table\})?\s*(?:\[[^\]]*\])?\s*\{")
_LABEL_RE = re.compile(r"\\label\s*\{([^{}]*)\}")


def strip_comments(tex: str) -> str:
    return _COMMENT_RE.sub("", tex)


def _braced(text: str, start: int) -> str:
    """Contents of the brace group opening just before ``start`` (unbalanced: to the end)."""
    depth, i = 1, start
    while i < len(text) and depth:
        if text[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start : i - 1 if depth == 0 else i]


def latex_tables(tex: str) -> list[SourceTable]:
    """Table environments in document order, labelled by their position ("1", "2", ...).

    Why positions: LaTeX numbers tables by their order in the document; the HTML, where
    arXiv has it, carries the printed numbers (appendix tables such as "A1" included).
    """
    tables = []
    for match in _TABLE_ENV_RE.finditer(tex):
        name = match[1]
        end = tex.find(f"\\end{{{name}}}", match.end())
        body = tex[match.end() : end if end >= 0 else len(tex)]
        caption_match = _CAPTION_RE.search(body)
        caption = _squash(_braced(body, caption_match.end())) if caption_match else ""
        label = _LABEL_RE.search(body)
        if label:
            caption = f"{caption} (\\label{{{label[1]}}})".strip()
        tables.append(SourceTable(str(len(tables) + 1), caption, _squash(body)))
    return tables


def _decode_tex(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _main_file(files: dict[str, str]) -> str | None:
    """The file LaTeX would be run on: the one with \\documentclass and \\begin{document}."""
    candidates = [n for n, t in files.items() if "\\documentclass" in t and "\\begin{document}" in t]
    if not candidates:
        candidates = [n for n, t in files.items() if "\\begin{document}" in t]
    if not candidates:
        return None
    for preferred in ("main.tex", "paper.tex", "ms.tex"):
        if preferred in candidates:
            return preferred
    return sorted(candidates, key=lambda n: (n.count("/"), -len(files[n]), n))[0]


def expand_inputs(files: dict[str, str], name: str, depth: int = 0, seen: tuple[str, ...] = ()) -> str:
    """The text of ``name`` with ``\\input``/``\\include``/``\\import`` replaced by the files' text."""
    text = files[name]
    if depth >= MAX_INPUT_DEPTH:
        return text
    base = posixpath.dirname(name)

    def replace(match: re.Match) -> str:
        if match[1] or match[2]:
            target = (match[1] or match[2]).strip()
            folders = [base, ""]
        else:
            target = posixpath.join(match[3].strip(), match[4].strip())
            folders = [base, ""]
        for folder in folders:
            for candidate in (target, f"{target}.tex"):
                path = posixpath.normpath(posixpath.join(folder, candidate))
                if path in files and path not in seen and path != name:
                    return "\n" + expand_inputs(files, path, depth + 1, (*seen, name)) + "\n"
        return match[0]

    return _INPUT_RE.sub(replace, text)


def latex_document(files: dict[str, str]) -> str:
    """One text for the paper: the main file with its inputs, comments removed.

    Without a recognisable main file, every file in name order.
    """
    files = {name: strip_comments(text) for name, text in files.items()}
    main = _main_file(files)
    if main is None:
        return "\n".join(files[n] for n in sorted(files))
    text = expand_inputs(files, main)
    end = text.find("\\end{document}")
    return text[:end] if end >= 0 else text


class _Bounded(io.RawIOBase):
    """A read-only stream that fails once more than ``limit`` bytes have come out of it."""

    def __init__(self, stream: io.BufferedIOBase, limit: int) -> None:
        self.stream, self.limit, self.count = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io's signature
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise SourceError(f"the e-print unpacks to more than {self.limit // (1024 * 1024)} MB")
        buffer[: len(data)] = data
        return len(data)


def _safe_name(name: str) -> str | None:
    """Archive member name as a relative path, or None for absolute paths and '..'."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../") or "/../" in f"/{normal}/":
        return None
    return normal.removeprefix("./")


class _Prefixed(io.RawIOBase):
    """``head`` followed by the rest of ``stream`` (what was read to sniff the format)."""

    def __init__(self, head: bytes, stream: io.RawIOBase | io.BufferedIOBase) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io's signature
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_up_to(stream: io.RawIOBase | io.BufferedIOBase, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining > 0:
        data = stream.read(remaining)
        if not data:
            break
        chunks.append(data)
        remaining -= len(data)
    return b"".join(chunks)


def tex_files(content: bytes) -> dict[str, str]:
    """The ``.tex`` files of an e-print (gzipped tar, tar, gzipped file or plain file).

    Raises:
        SourceError: a PDF-only submission, nothing readable, or a limit exceeded.
    """
    if content[:2] == b"\x1f\x8b":
        stream: io.RawIOBase | io.BufferedIOBase = _Bounded(gzip.GzipFile(fileobj=io.BytesIO(content)), MAX_UNPACKED_BYTES)
    else:
        stream = io.BytesIO(content)
    try:
        head = _read_up_to(stream, 1024)
        if head.startswith(b"%PDF"):
            raise SourceError("arXiv has only a PDF of this paper, no LaTeX source")
        whole = io.BufferedReader(_Prefixed(head, stream))
        if len(head) > 262 and head[257:262] == b"ustar":
            return _tar_tex_files(whole)
        raw = _read_up_to(whole, MAX_TEX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"the e-print is not a readable gzip file ({exc})") from None
    if len(raw) > MAX_TEX_FILE_BYTES:
        raise SourceError(f"the source file is larger than {MAX_TEX_FILE_BYTES // (1024 * 1024)} MB")
    text = _decode_tex(raw)
    if "\\" not in text:
        raise SourceError("the e-print is neither a tar archive nor a LaTeX file")
    return {"main.tex": text}


def _tar_tex_files(stream: io.BufferedIOBase) -> dict[str, str]:
    files: dict[str, str] = {}
    total = 0
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for count, member in enumerate(archive, start=1):
                if count > MAX_MEMBERS:
                    raise SourceError(f"the e-print has more than {MAX_MEMBERS} files")
                name = _safe_name(member.name)
                # Regular files only: links, devices and folders are never followed.
                if name is None or not member.isreg() or not name.lower().endswith(".tex"):
                    continue
                if member.size > MAX_TEX_FILE_BYTES:
                    continue
                total += member.size
                if total > MAX_TEX_BYTES:
                    raise SourceError(f"the .tex files add up to more than {MAX_TEX_BYTES // (1024 * 1024)} MB")
                handle = archive.extractfile(member)
                if handle is not None:
                    files[name] = _decode_tex(handle.read(MAX_TEX_FILE_BYTES + 1))
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"the e-print is not a readable archive ({exc})") from None
    if not files:
        raise SourceError("the e-print holds no .tex file")
    return files


def read_eprint(content: bytes, arxiv_id: str, url: str) -> PaperText:
    """Tables and text of an e-print's LaTeX source."""
    document = latex_document(tex_files(content))
    return PaperText(arxiv_id, "latex", url, tuple(latex_tables(document)), _squash(document))
