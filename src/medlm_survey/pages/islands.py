"""JSON data islands: data a page's script reads, written into the page itself.

``<script type="application/json">`` is never run by the browser; the script that needs the
data parses the element's text with ``JSON.parse``. Entry text can hold ``</script>`` (see
the planted-script fixture), so ``<``, ``>`` and ``&`` are written as JSON escapes
(``\\u003c`` ...): the island's text contains no markup at all, whatever the catalogue holds.
"""

from __future__ import annotations

import json

from markupsafe import Markup, escape

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_island(element_id: str, data: object) -> Markup:
    """``<script type="application/json" id="...">{...}</script>`` on one line."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return Markup(f'<script type="application/json" id="{escape(element_id)}">{text}</script>')
