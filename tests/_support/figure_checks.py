"""Checks on drawn figures shared by the plot tests: the regressions issue 18 names (tick labels on a log axis,
a legend for every colour, series told apart in greyscale, units spelt once, human labels, warnings drawn)."""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def drawn(fig: Any) -> Any:
    """The figure drawn once (so that text positions are final); returns the renderer."""
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def visible_tick_labels(ax: Any, axis: str = "x") -> list[str]:
    """Texts of the tick labels shown within the axis limits."""
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [lab.get_text() for t, lab in zip(ticks, labels) if min(low, high) <= t <= max(low, high)
            and lab.get_text()]


def labels_overlap(fig: Any, ax: Any, axis: str = "x") -> bool:
    """Whether two shown tick labels of the axis touch."""
    renderer = drawn(fig)
    labels = [lab for lab in (ax.get_xticklabels() if axis == "x" else ax.get_yticklabels())
              if lab.get_text() and lab.get_visible()]
    boxes = [lab.get_window_extent(renderer) for lab in labels]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def all_texts(fig: Any) -> list[str]:
    """Every piece of text on the figure (titles, labels, tick labels, legends, annotations)."""
    from matplotlib.text import Text

    drawn(fig)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def legend_labels(fig: Any) -> list[str]:
    out = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


def warning_texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == "kpcompare-warning"]


def _png(fig: Any) -> np.ndarray:
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("L"), dtype=float)


def bar_textures(fig: Any, ax: Any, *, size: int = 14) -> list[np.ndarray]:
    """For each series of bars (a BarContainer of ``ax``), the greyscale pixels of a ``size`` x ``size`` square
    at the centre of its largest bar: what a black-and-white print shows of that series."""
    renderer = drawn(fig)
    image = _png(fig)
    height = image.shape[0]
    out = []
    for container in ax.containers:
        patches = getattr(container, "patches", None)
        if not patches:
            continue
        boxes = [p.get_window_extent(renderer) for p in patches]
        box = max(boxes, key=lambda b: b.width * b.height)
        cx, cy = int(round((box.x0 + box.x1) / 2)), height - int(round((box.y0 + box.y1) / 2))
        half = min(size // 2, int(box.width // 2) - 1, int(box.height // 2) - 1)
        out.append(image[cy - half:cy + half, cx - half:cx + half])
    return out


def textures_differ(crops: list[np.ndarray], *, threshold: float = 15.0) -> bool:
    """Every two series differ in greyscale: the mean absolute difference of their pixels (same-size squares,
    tone and pattern alike) is at least ``threshold`` grey levels of 255."""
    n = min(min(c.shape) for c in crops)
    crops = [c[:n, :n] for c in crops]
    return n >= 4 and all(np.abs(a - b).mean() >= threshold for i, a in enumerate(crops) for b in crops[i + 1:])
