"""What a similar report shares, on the triage page, in the reader's language (issue 19, point 1)."""

from app.triage.queries import match_words


def test_what_a_similar_report_shares_reads_in_spanish(app):
    with app.test_request_context("/?lang=es"):
        assert match_words("similar wording (0.83)") == "redacción parecida (0.83)"
        assert [match_words(m) for m in ("same person", "same region", "same category")] == [
            "misma persona",
            "misma región",
            "misma categoría",
        ]
    with app.test_request_context("/"):
        assert match_words("similar wording (0.83)") == "similar wording (0.83)"
        assert match_words("same location") == "same location"
