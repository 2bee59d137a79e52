"""Secondary suppression: no suppressed cell may be recoverable from the published margins.

A table with margins (``totals={"age_band": "All ages", "provider": "England"}``: the rows labelled so are
sums of the rows beside them) publishes linear equations: each margin cell equals the sum of its parts.  A
suppressed cell is *recoverable* when it is a linear combination of published cells, i.e. when its unit
vector lies in the row space of those equations restricted to the suppressed cells.

The algorithm (a heuristic; it does not minimise the number or total of extra cells as the integer
programme of tau-ARGUS's optimal method would):

1. **Groups.**  Every margin cell and its parts form a group (one equation).
2. **Greedy pass, to a fixed point.**  In every group holding exactly one suppressed cell, suppress the
   smallest non-zero released part -- preferring one that also sits in another group with a lone suppressed
   cell, so that one extra cell protects two -- else a zero part, else the margin cell itself.
3. **Audit.**  For each connected set of suppressed cells, reduce the equations on them to reduced row
   echelon form (Gauss-Jordan); a cell whose unit vector is one of its rows lies in their row space (its row
   of the null-space basis is zero): it is still determined.
   For each such cell, suppress the smallest non-zero released cell of one of its groups, and audit again.

The audit makes the result exact for linear arithmetic on the margins (the property the tests check with
hypothesis); it does not give interval protection (bounds that non-negativity or the 1-7 range imply) --
rounding provides that under the ``"hes"`` rule.  See docs/disclosure.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._compat import groups

__all__ = ["Layout", "layout", "protect", "determined"]


@dataclass
class Layout:
    """Where the margins of a table are: margin and grand-total rows, and the groups (equations)."""

    margin: np.ndarray
    grand: np.ndarray
    groups: list[np.ndarray] = field(default_factory=list)  # row positions, the margin cell first
    keys: pd.DataFrame | None = None
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> np.ndarray:
        return ~self.margin

    def total(self, values: np.ndarray) -> float:
        """The table's total: its grand-total row where there is one, else the sum of its base cells."""
        if self.grand.sum() == 1:
            return float(values[self.grand][0])
        return float(np.nansum(values[self.base]))

    def resum(self, released: np.ndarray) -> np.ndarray:
        """Each margin cell as the sum of the released base cells beneath it (suppressed cells count 0)."""
        out = released.copy()
        if self.keys is None or not self.margin.any():
            return out
        keys = self.keys
        at_label = pd.DataFrame({k: (keys[k] == label).to_numpy() for k, label in self.totals.items()})
        values = pd.Series(np.nan_to_num(released[self.base]), index=np.flatnonzero(self.base))
        base_keys = keys[self.base]
        for pattern, rows in groups(at_label[self.margin], list(self.totals), sort=False):
            free = [k for k in keys.columns if not (k in self.totals and pattern[list(self.totals).index(k)])]
            if not free:
                out[rows.index.to_numpy()] = values.sum()
                continue
            sums = values.groupby([base_keys[k].to_numpy() for k in free], sort=False, observed=True).sum()
            index = pd.MultiIndex.from_frame(keys.loc[rows.index, free]) if len(free) > 1 \
                else pd.Index(keys.loc[rows.index, free[0]])
            out[rows.index.to_numpy()] = sums.reindex(index).fillna(0.0).to_numpy()
        return out


def layout(keys: pd.DataFrame, totals: Mapping[str, Any]) -> Layout:
    """The margins of a table keyed by ``keys`` (row positions 0..n-1) with ``totals`` {key: total label}."""
    keys = keys.reset_index(drop=True)
    n = len(keys)
    if not totals:
        return Layout(margin=np.zeros(n, bool), grand=np.zeros(n, bool))
    at = {k: (keys[k] == label).to_numpy() for k, label in totals.items()}
    margin = np.logical_or.reduce(list(at.values()))
    grand = np.logical_and.reduce(list(at.values()))
    groups: list[np.ndarray] = []
    for key in totals:
        others = [k for k in keys.columns if k != key]
        ids = (keys.groupby(others, sort=False, dropna=False, observed=True).ngroup().to_numpy() if others
               else np.zeros(n, dtype=int))
        order = np.argsort(ids, kind="stable")
        bounds = np.flatnonzero(np.diff(ids[order])) + 1
        for members in np.split(order, bounds):
            heads = members[at[key][members]]
            if len(heads) == 1 and len(members) > 1:
                groups.append(np.concatenate([heads, members[~at[key][members]]]))
    return Layout(margin=margin, grand=grand, groups=groups, keys=keys, totals=dict(totals))


class _State:
    """Which cells are suppressed and how many each group holds, kept up to date as cells are added."""

    def __init__(self, groups: list[np.ndarray], values: np.ndarray, suppressed: np.ndarray,
                 frozen: np.ndarray) -> None:
        self.groups, self.values, self.suppressed, self.frozen = groups, values, suppressed, frozen
        self.count = np.array([int(suppressed[g].sum()) for g in groups], dtype=int)
        self.member_of: dict[int, list[int]] = {}
        for g, group in enumerate(groups):
            for c in group:
                self.member_of.setdefault(int(c), []).append(g)
        self.added: list[int] = []

    def add(self, cell: int) -> None:
        self.suppressed[cell] = True
        self.added.append(cell)
        for g in self.member_of.get(cell, []):
            self.count[g] += 1

    def pick(self, g: int) -> int | None:
        """The cell of group ``g`` to suppress next: a free non-zero part, the smallest first, preferring one
        that also protects another group's lone suppressed cell; else a zero part; else the margin."""
        group = self.groups[g]
        parts = group[1:]
        free = parts[~self.suppressed[parts] & ~self.frozen[parts]]
        nonzero = free[self.values[free] > 0]
        if len(nonzero):
            helps = np.array([any(self.count[h] == 1 for h in self.member_of[int(c)] if h != g) for c in nonzero])
            order = np.lexsort((self.values[nonzero], ~helps))
            return int(nonzero[order[0]])
        if len(free):
            return int(free[0])
        head = int(group[0])
        if not self.suppressed[head] and not self.frozen[head]:
            return head
        rest = group[~self.suppressed[group]]
        return int(rest[0]) if len(rest) else None  # last resort: a frozen (exempt) cell

    def greedy(self) -> None:
        """Until no group holds exactly one suppressed cell (or nothing is left to add)."""
        changed = True
        while changed:
            changed = False
            for g in np.flatnonzero(self.count == 1):
                if self.count[g] == 1 and (cell := self.pick(int(g))) is not None:
                    self.add(cell)
                    changed = True


def _components(groups: list[np.ndarray], suppressed: np.ndarray) -> list[tuple[np.ndarray, list[int]]]:
    """Connected sets of suppressed cells (linked by sharing a group) and the groups touching each."""
    cells = np.flatnonzero(suppressed)
    parent = {int(c): int(c) for c in cells}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching = []
    for g, group in enumerate(groups):
        members = [int(c) for c in group if suppressed[c]]
        if members:
            touching.append(g)
            root = find(members[0])
            for c in members[1:]:
                parent[find(c)] = root
    by_root: dict[int, list[int]] = {}
    for c in cells:
        by_root.setdefault(find(int(c)), []).append(int(c))
    group_root = {g: find(int(next(c for c in groups[g] if suppressed[c]))) for g in touching}
    return [(np.array(members), [g for g in touching if group_root[g] == root]) for root, members in by_root.items()]


def determined(groups: list[np.ndarray], suppressed: np.ndarray) -> np.ndarray:
    """Row positions of suppressed cells that linear arithmetic on the published margins recovers.

    Cell ``s`` is recovered iff its unit vector lies in the row space of the equations restricted to the
    suppressed cells (:func:`_pinned_columns`), i.e. iff its row of the null-space basis is zero.
    """
    out: list[int] = []
    for members, touching in _components(groups, suppressed):
        if not touching:
            continue
        column = {c: i for i, c in enumerate(members)}
        matrix = np.zeros((len(touching), len(members)))
        for row, g in enumerate(touching):
            group = groups[g]
            for j, c in enumerate(group):
                if suppressed[c]:
                    matrix[row, column[int(c)]] = -1.0 if j == 0 else 1.0
        out.extend(int(members[c]) for c in _pinned_columns(matrix))
    return np.array(sorted(out), dtype=int)


def _pinned_columns(matrix: np.ndarray, tol: float = 1e-9) -> list[int]:
    """Columns ``s`` whose unit vector lies in the row space of ``matrix``.

    Gauss-Jordan elimination to the reduced row echelon form R (same row space): ``e_s`` is a combination of
    R's rows iff ``s`` is a pivot column and its row of R has no other non-zero entry.  Elementwise numpy
    only (no multithreaded LAPACK call), and only the rows holding the pivot column are updated: the
    equations are sparse.
    """
    m = matrix.astype(float).copy()
    pivots: list[tuple[int, int]] = []
    row = 0
    for col in range(m.shape[1]):
        if row == m.shape[0]:
            break
        candidates = np.flatnonzero(np.abs(m[row:, col]) > tol)
        if not len(candidates):
            continue
        best = row + candidates[np.argmax(np.abs(m[row + candidates, col]))]
        m[[row, best]] = m[[best, row]]
        m[row] /= m[row, col]
        others = np.flatnonzero(np.abs(m[:, col]) > tol)
        others = others[others != row]
        if len(others):
            m[others] -= np.outer(m[others, col], m[row])
        pivots.append((col, row))
        row += 1
    return [col for col, r in pivots if (np.abs(m[r]) > tol).sum() == 1]


def protect(values: np.ndarray, suppressed: np.ndarray, groups: list[np.ndarray],
            frozen: np.ndarray | None = None) -> np.ndarray:
    """Suppress further cells until no suppressed cell is recoverable; returns the cells added.

    ``suppressed`` is updated in place; ``frozen`` cells (an exempt national total) are taken last.
    """
    frozen = np.zeros(len(values), bool) if frozen is None else frozen
    state = _State(groups, values, suppressed, frozen)
    state.greedy()
    while len(open_cells := determined(groups, suppressed)):
        pick = next((p for cell in open_cells for g in state.member_of.get(int(cell), [])
                     if (p := state.pick(g)) is not None), None)
        if pick is None:  # every cell of every group is suppressed already: nothing left to add
            break
        state.add(pick)  # one cell at a time, then audit again: few extra cells
        state.greedy()
    return np.array(sorted(state.added), dtype=int)
