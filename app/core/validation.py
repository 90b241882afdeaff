"""The one shape of a refused write: field name -> messages, shown next to the fields."""


def reasons_sentence(errors: dict[str, list[str]]) -> str:
    """Every reason for a refusal, as one line (for a message shown above a page, not beside fields)."""
    return " ".join(message for messages in errors.values() for message in messages)


class InvalidInput(ValueError):
    """An operation refused its input; ``errors`` maps each field to user-facing messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("input refused: " + ", ".join(sorted(errors)))
        self.errors = errors

    def sentence(self) -> str:
        """The reasons, as one line."""
        return reasons_sentence(self.errors)


class Problems(dict):
    """Collects field errors: ``problems.need(field, condition, message)`` adds the message when the
    condition is false."""

    def need(self, field: str, ok: bool, message: str) -> None:
        if not ok:
            self.setdefault(field, []).append(message)
