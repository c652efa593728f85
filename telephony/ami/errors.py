"""The adapter's one error type (house style rule 15)."""

from __future__ import annotations


class AmiError(Exception):
    """Raised for anything that goes wrong between us and Asterisk.

    ``permanent`` tells the caller whether retrying can help: a wrong secret
    (``Authentication failed``) is permanent, a dropped connection or an action
    that timed out is not.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"AmiError({self.message!r}, permanent={self.permanent})"
