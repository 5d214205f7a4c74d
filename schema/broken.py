"""What a row rule of the catalogue (catalogue.py) raises when it is broken.

A rule that fails names the column to fix and a short rule id, so that `claims validate` can print
`data/FILE.csv:LINE: column: [rule] message`. All failures of a row are raised together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Broken:
    column: str
    rule: str
    message: str
    hint: str = ""


class RuleErrors(ValueError):
    """Raised from a model validator; pydantic keeps it in the error's context."""

    def __init__(self, broken: list[Broken]):
        self.broken = broken
        super().__init__("; ".join(f"{b.column}: {b.message}" for b in broken))


def raise_if(broken: list[Broken]) -> None:
    if broken:
        raise RuleErrors(broken)
