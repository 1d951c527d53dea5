"""Text edits into an original source, and splicing them in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str

    def overlaps(self, other: Edit) -> bool:
        if self.start == self.end == other.start == other.end:
            return True  # two insertions at one point: their order would be a guess
        return self.start < other.end and other.start < self.end


class EditConflict(ValueError):
    pass


def apply_edits(text: str, edits: Iterable[Edit], *, join_insertions: bool = False) -> str:
    """Splice edits into ``text``. Overlapping edits are a conflict; with
    ``join_insertions``, insertions at one point are allowed and land in the order given."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))  # stable: ties keep the given order
    for first, second in zip(ordered, ordered[1:]):
        joinable = join_insertions and first.start == first.end == second.start == second.end
        if first.overlaps(second) and not joinable:
            raise EditConflict(f"edits overlap at offsets {first.start}-{first.end} and {second.start}-{second.end}")
    pieces: list[str] = []
    cursor = 0
    for edit in ordered:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def edits_conflict(left: Iterable[Edit], right: Iterable[Edit]) -> bool:
    right = list(right)
    return any(a.overlaps(b) for a in left for b in right)
