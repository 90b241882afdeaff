"""Receipt codes: unguessable, shown in groups, read back forgivingly, stored only as a hash."""

from app.anonymous.receipts import ALPHABET, LENGTH, new_receipt_code, normalised, receipt_hash


def test_a_code_is_five_groups_of_four_from_the_alphabet_and_never_repeats():
    codes = {new_receipt_code() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:50]:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4] * 5
        assert set("".join(groups)) <= set(ALPHABET)


def test_a_code_is_read_back_as_people_copy_it():
    code = new_receipt_code()
    sloppy = " " + code.lower().replace("-", " ") + "\n"
    assert normalised(sloppy) == code.replace("-", "")
    assert receipt_hash(sloppy) == receipt_hash(code)
    assert normalised("O1IL-" + "2" * 16) == "0111" + "2" * 16, "O, I and L read as 0, 1 and 1"


def test_what_is_no_code_has_no_hash():
    assert receipt_hash("") is None
    assert receipt_hash("ABCD-EFGH") is None, "too short"
    assert receipt_hash("U" * LENGTH) is None, "U is not in the alphabet"
    assert receipt_hash(new_receipt_code() + "A") is None, "too long"


def test_the_hash_is_not_the_code():
    code = new_receipt_code()
    hashed = receipt_hash(code)
    assert len(hashed) == 64 and code.replace("-", "") not in hashed
