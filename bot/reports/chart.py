"""The chart sent with a summary: completion per unit, as a PNG."""

from __future__ import annotations

import io

from bot.reports.figures import Figures

MAX_UNITS = 25
# Colours that stay apart in grey print too: done, in progress, overdue, no report.
_SERIES = (
    ("done", "#2e7d32"),
    ("in_progress", "#1565c0"),
    ("overdue", "#c62828"),
    ("no_report", "#bdbdbd"),
)


def chart_png(figures: Figures, labels: dict[str, str]) -> bytes:
    """Stacked bars per unit (the units with most tasks, at most MAX_UNITS), as PNG bytes.

    `labels` are the words of the `report_labels` template (chart_done, chart_axis, …).
    """
    # Imported here: matplotlib takes a second to load, and most commands never draw.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    units = sorted(figures.units, key=lambda p: (-p.counts.total, p.name))[:MAX_UNITS]
    units.reverse()  # the largest on top
    height = 1.6 + 0.38 * max(len(units), 1)
    # DejaVu Sans ships with matplotlib and has every Vietnamese diacritic.
    fig = Figure(figsize=(9, height), dpi=100)
    # Fixed margins: room for unit names at left; tight_layout would cost half the time.
    fig.subplots_adjust(left=0.3, right=0.97, bottom=0.9 / height, top=1 - 0.45 / height)
    ax = fig.add_subplot()
    names = [_short(p.name) for p in units]
    left = [0] * len(units)
    for attr, colour in _SERIES:
        label = labels[f"chart_{attr}"]
        values = [getattr(p.counts, attr) for p in units]
        ax.barh(names, values, left=left, color=colour, label=label, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(labels["chart_axis"], fontfamily="DejaVu Sans")
    for tick in ax.get_yticklabels():
        tick.set_fontfamily("DejaVu Sans")
        tick.set_fontsize(8)
    ax.set_title(
        f"{_short(figures.scope.label or labels['chart_all'], 60)} · {figures.period.label}",
        fontfamily="DejaVu Sans",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8, prop={"family": "DejaVu Sans", "size": 8})
    ax.spines[["top", "right"]].set_visible(False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
