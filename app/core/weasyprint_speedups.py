"""Two costs WeasyPrint pays that the documents drawn here do not need, removed once per process.

Measured on the oversight pack (34 pages, 36 charts with about 575 labels) and the one-page cue guide
(``bench/RESULTS.md``, issue 18):

1. **SVG text, one letter at a time.** WeasyPrint lays out and draws every letter of an SVG
   ``<text>`` as its own Pango layout, so that each letter may carry its own ``x``, ``dx`` or
   ``rotate``. The charts' labels (axis ticks, week labels, legends) never do: one position, one run
   of text. :func:`_svg_text` draws such a label as one run - the same font, size, fill, anchor and
   bounding box - and hands every other ``<text>`` (several positions, ``dx``/``dy``/``rotate``,
   letter spacing, ``textLength``, baseline alignment, ``<tspan>`` children) to WeasyPrint's own code.
   It was about a quarter of the pack's drawing.
2. **A C type parsed for every array length.** When it subsets a font, WeasyPrint asks cffi for
   ``hb_codepoint_t[N]`` with ``N`` the number of glyphs used; cffi parses each new type string with
   pycparser (about 45 ms, with every type name Pango and HarfBuzz declare) and keeps it only in the
   process that parsed it. A render runs in a freshly forked child, so every PDF paid 4 such parses
   (about 0.18 s: most of a cue guide's drawing). :class:`_OpenArrays` asks for the open array type
   ``hb_codepoint_t[]`` with the same items instead - the same memory, parsed once, before the fork.

Both are applied only to the WeasyPrint releases they were checked against (``CHECKED_RELEASES``);
on any other release WeasyPrint runs unchanged, only slower, until the two are checked again.
"""

import importlib
import re
from math import inf

CHECKED_RELEASES = ("70.",)

# What makes a <text> more than "one run of text at one position": WeasyPrint's own code draws it.
_PER_LETTER_ATTRIBUTES = frozenset(
    {
        "dx",
        "dy",
        "rotate",
        "letter-spacing",
        "textLength",
        "lengthAdjust",
        "display-anchor",
        "dominant-baseline",
        "alignment-baseline",
    }
)
_LINE_SEPARATORS = frozenset("\u2028\u2029")
_FIXED_ARRAY = re.compile(r"^hb_codepoint_t\[\d+\]$")
_installed = False


def install() -> bool:
    """Apply both speed-ups in this process (once); whether they are in effect."""
    global _installed
    if _installed:
        return True
    import weasyprint

    if not weasyprint.__version__.startswith(CHECKED_RELEASES):
        return False
    svg_package = importlib.import_module("weasyprint.svg")
    svg_text = importlib.import_module("weasyprint.svg.text")
    fonts = importlib.import_module("weasyprint.pdf.fonts")
    upstream = svg_text.text

    def text(svg, node, font_size):
        if not _is_one_run(node):
            return upstream(svg, node, font_size)
        return _svg_text(svg_text, svg, node, font_size)

    for tag, draw in list(svg_package.TAGS.items()):
        if draw is upstream:
            svg_package.TAGS[tag] = text
    # The SVG drawer tells text from other shapes by comparing with this name (anchors, bounding boxes).
    svg_package.text = text
    fonts.ffi = _OpenArrays(fonts.ffi)
    _installed = True
    return True


def _is_one_run(node) -> bool:
    """A ``<text>`` with its own text, no children, at most one ``x`` and one ``y``, nothing placed
    letter by letter."""
    if not node.text or _PER_LETTER_ATTRIBUTES & node.attrib.keys() or next(iter(node), None) is not None:
        return False
    if _LINE_SEPARATORS & set(node.text):
        return False  # Pango would end the run there: WeasyPrint's letters draw all of it
    return all(len(node.attrib.get(axis, "0").replace(",", " ").split()) <= 1 for axis in ("x", "y"))


def _svg_text(svg_text, svg, node, font_size) -> None:
    """Lay out and draw a one-run label as WeasyPrint would, in one layout instead of one per letter."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    style = svg_text.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_weight"] = _font_weight(node.get("font-weight", 400))
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

    attrib = node.attrib
    if "x" in attrib:
        svg.cursor_d_position[0] = 0
    if "y" in attrib:
        svg.cursor_d_position[1] = 0
    x = size(attrib["x"], font_size, svg.inner_width) if "x" in attrib else svg.cursor_position[0]
    y = size(attrib["y"], font_size, svg.inner_height) if "y" in attrib else svg.cursor_position[1]
    x_position, y_position = x + svg.cursor_d_position[0], y + svg.cursor_d_position[1]
    svg.cursor_position = x + width, y
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = svg_text.TextBox(layout, style)
    text_box.baseline = baseline
    matrix = Matrix(a=1, d=-1, e=x_position, f=y_position)
    emojis = draw_first_line(svg.stream, text_box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def _font_weight(value) -> int:
    if value == "normal":
        return 400
    if value == "bold":
        return 700
    try:
        return int(value)
    except (TypeError, ValueError):
        return 400


class _OpenArrays:
    """WeasyPrint's font module's cffi handle, asking for ``hb_codepoint_t[]`` where it asked for
    ``hb_codepoint_t[N]`` with N items: the same array, one type to parse."""

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        if init is not None and isinstance(cdecl, str) and _FIXED_ARRAY.match(cdecl):
            cdecl = "hb_codepoint_t[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)
