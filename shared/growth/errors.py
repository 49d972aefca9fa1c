"""The one exception the growth package raises for bad input."""

from __future__ import annotations

from shared.i18n import DEFAULT_LANGUAGE, t


class GrowthInputError(ValueError):
    """Bad input to a growth calculation; ``key`` names the message, ``field`` the input."""

    def __init__(self, key: str, field: str, **params: object) -> None:
        self.key = key
        self.field = field
        self.params = params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """Return the message in ``lang`` (Indonesian by default)."""
        return t(self.key, lang, label=t(f"growth.field.{self.field}", lang), **self.params)
