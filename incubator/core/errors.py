"""The one shape of a refusal by a service: what the user is told, and where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ServiceError(ValueError):
    """A refusal for the user. `message` is in the user's language; `errors` ties messages to
    form fields (field name -> message); `details` lists further reasons that belong to no one
    field (the scores a sheet still lacks). Each module may name its own subclass; views catch
    this one (core.actions)."""

    def __init__(
        self,
        message: str,
        errors: Mapping[str, str] | None = None,
        details: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})
        self.details = list(details or [])

    def summary(self) -> str:
        """The message with its details, for a flash line."""
        reasons = [*self.errors.values(), *self.details]
        return self.message + ("：" + "；".join(reasons) if reasons else "")
