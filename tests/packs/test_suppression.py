"""Complementary suppression (app.packs.suppression): a count hidden for small numbers must not be
found by subtracting the rows shown from the total."""

from app.packs.suppression import Withheld, complementary


def test_nothing_hidden_nothing_more_to_withhold():
    assert complementary([8, 6, 7], []) == Withheld(frozenset())


def test_a_lone_hidden_row_takes_the_next_smallest_with_it():
    assert complementary([8, 2, 6, 7], [1]) == Withheld(frozenset({1, 2}))


def test_ties_go_to_the_first_row_and_a_zero_is_not_chosen_while_a_count_is_left():
    assert complementary([9, 3, 6, 6], [1]) == Withheld(frozenset({1, 2}))
    assert complementary([0, 3, 12], [1]) == Withheld(frozenset({1, 2}))
    assert complementary([0, 3, 0], [1]) == Withheld(frozenset({0, 1}))


def test_two_hidden_rows_protect_each_other():
    assert complementary([8, 2, 1, 7], [1, 2]) == Withheld(frozenset({1, 2}))


def test_a_lone_row_that_is_hidden_takes_the_total_with_it():
    assert complementary([3], [0]) == Withheld(frozenset({0}), total=True)


def test_indices_outside_the_rows_are_ignored():
    assert complementary([8, 6], [5]) == Withheld(frozenset())
