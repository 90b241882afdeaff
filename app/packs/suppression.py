"""Complementary suppression: the rule that keeps a count hidden for small numbers from being worked
out by subtraction.

A table that shows a total and its rows (the staff of each role, of each region) and hides one row's
count because it is small gives that count away: the total minus the rows shown. The standard answer
is to hide a second cell in the same column - the next smallest row - so that only the sum of the two
hidden cells can be worked out; when there is no other row to hide, the total is withheld instead.
Rows that overlap (a person in two roles counts in each) make the subtraction inexact, but not safe.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Withheld:
    """The cells of one column to withhold: ``rows`` (indices) and whether the ``total`` goes too."""

    rows: frozenset[int]
    total: bool = False


def complementary(counts: Sequence[int], hidden: Collection[int]) -> Withheld:
    """The cells of one column of rows under a total to withhold, given the ``counts`` of the rows and
    the indices already ``hidden`` for small numbers.

    When exactly one row is hidden, the smallest of the others is withheld too (a non-zero one when
    there is one: hiding a 0 next to a small count barely blurs it); ties go to the first. When it is
    the only row, the total is withheld. With no hidden row, or two or more, nothing more is needed."""
    rows = {index for index in hidden if 0 <= index < len(counts)}
    if len(rows) != 1:
        return Withheld(frozenset(rows))
    others = [index for index in range(len(counts)) if index not in rows]
    if not others:
        return Withheld(frozenset(rows), total=True)
    candidates = [index for index in others if counts[index] > 0] or others
    rows.add(min(candidates, key=lambda index: (counts[index], index)))
    return Withheld(frozenset(rows))
