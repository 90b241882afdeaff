"""CSV files a spreadsheet cannot turn against the person who opens them (OWASP "CSV injection").

Every CSV the app writes goes through :func:`csv_text`. A text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
(``=HYPERLINK(...)`` sends data away, ``@SUM(1)`` runs); such a cell is written with a single quote
in front, which the spreadsheet shows as text and a person reading the file can strip.

Only text is changed. Numbers the app writes as numbers (``int``, ``float``, ``bool``) are written
unchanged, so a negative count or ratio stays a number. A number that reaches a writer as *text*
(``"-3"``) is neutralised like any other text: the writer cannot tell a figure from a name such as
"-1+2", and a quote in front of a figure is harmless while a formula is not.
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet will read it as data: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A whole CSV file (header, then rows) with every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
