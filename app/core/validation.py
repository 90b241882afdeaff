"""The one shape of a refused write: field name -> messages, shown next to the fields."""


class InvalidInput(ValueError):
    """An operation refused its input; ``errors`` maps each field to user-facing messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("input refused: " + ", ".join(sorted(errors)))
        self.errors = errors


class Problems(dict):
    """Collects field errors: ``problems.need(field, condition, message)`` adds the message when the
    condition is false."""

    def need(self, field: str, ok: bool, message: str) -> None:
        if not ok:
            self.setdefault(field, []).append(message)
