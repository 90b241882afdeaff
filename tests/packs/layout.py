"""Reading a laid-out PDF document (WeasyPrint's pages and boxes) for what a reader would trip on: a
page that holds a single row of a table that goes on over other pages, and a table heading broken
inside a word."""

from collections import defaultdict

from weasyprint import HTML
from weasyprint.formatting_structure import boxes


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _body_rows(table: boxes.TableBox) -> int:
    return sum(
        len(group.children)
        for group in table.children
        if isinstance(group, boxes.TableRowGroupBox) and not group.is_header and not group.is_footer
    )


def _lines(cell: boxes.TableCellBox) -> list[str]:
    return [
        "".join(text.text for text in _walk(line) if isinstance(text, boxes.TextBox))
        for line in _walk(cell)
        if isinstance(line, boxes.LineBox)
    ]


def layout_problems(html: str) -> list[str]:
    """Every lone table row and every heading word broken across lines, each named by its page."""
    document = HTML(string=html).render()
    rows_on_page: dict[int, dict[int, int]] = defaultdict(dict)  # table element -> page -> body rows
    captions: dict[int, str] = {}
    problems = []
    for number, page in enumerate(document.pages, start=1):
        for box in _walk(page._page_box):
            if isinstance(box, boxes.TableBox):
                key = id(box.element)
                rows_on_page[key][number] = rows_on_page[key].get(number, 0) + _body_rows(box)
                captions.setdefault(key, " ".join(box.element.itertext()).split("\n")[0][:60])
            elif isinstance(box, boxes.TableCellBox) and box.element_tag == "th":
                words = set(" ".join(box.element.itertext()).split())
                pieces = [piece for line in _lines(box) for piece in line.split()]
                broken = [piece for piece in pieces if piece not in words]
                if broken:
                    problems.append(f"page {number}: heading {sorted(words)} broken into {pieces}")
    for key, pages in rows_on_page.items():
        if sum(pages.values()) > 1:
            for number, rows in pages.items():
                if rows == 1:
                    problems.append(f"page {number}: a lone row of the table starting {captions[key]!r}")
    return problems
