"""Findings: what validation reports, one per broken rule, in `FILE:LINE: column: [rule] message` form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # as shown to the user, e.g. data/statements.csv
    line: int  # physical line in the file where the row starts (1 = header)
    column: str  # the column to fix, or "-" for the whole row or file
    rule: str  # short rule id, e.g. foreign-key
    message: str
    hint: str = ""
    layer: str = ""

    def format(self) -> str:
        text = f"{self.path}:{self.line}: {self.column}: [{self.rule}] {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def internal_error(layer: str, error: Exception) -> Finding:
    """A bug in a layer still ends in a finding (exit 1), never in a traceback."""
    return Finding(
        f"(claims {layer} layer)",
        1,
        "-",
        "internal-error",
        f"{type(error).__name__}: {error}",
        "this is a bug in claims, not in the data: please report it with the command you ran",
        layer,
    )


# Layers that check single cells: a cell flagged by one of them is not flagged again by the next.
CELL_LAYERS = {"structure", "rows"}
# The reference suites repeat earlier checks: their findings on a cell already reported are dropped.
REFERENCE_LAYERS = {"expectations"}


class Findings(list):
    """A list of findings; a cell's type problem is reported once, by the first layer that sees it."""

    def __init__(self):
        super().__init__()
        self._cells: set[tuple[str, int, str]] = set()  # cells reported by a cell layer
        self._reported: set[tuple[str, int, str]] = set()  # cells reported by any other layer

    def add(self, finding: Finding) -> None:
        cell = (finding.path, finding.line, finding.column)
        if finding.column != "-":
            if finding.layer in CELL_LAYERS and cell in self._cells:
                return
            if finding.layer in REFERENCE_LAYERS and (cell in self._cells or cell in self._reported):
                return
        if finding.layer in CELL_LAYERS:
            self._cells.add(cell)
        elif finding.layer not in REFERENCE_LAYERS:
            self._reported.add(cell)
        self.append(finding)


def short_repr(value: Any, limit: int = 60) -> str:
    """repr() of a value for a message, cut short: a finding never prints a whole long cell."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
