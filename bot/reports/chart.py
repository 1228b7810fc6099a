"""The chart sent with a summary: completion per unit, as a PNG."""

from __future__ import annotations

import io
import json

from bot.reports.figures import Figures

MAX_UNITS = 25
# Colours that stay apart in grey print too: done, in progress, overdue, no report.
_SERIES = (
    ("done", "#2e7d32"),
    ("in_progress", "#1565c0"),
    ("overdue", "#c62828"),
    ("no_report", "#bdbdbd"),
)


def chart_spec(figures: Figures, labels: dict[str, str]) -> bytes:
    """What the chart shows, as a few hundred bytes of JSON: the units with most tasks (at
    most MAX_UNITS) and their counts, the title and the words. It is stored with the owed
    message and drawn by `chart_png` when the message is sent, after the summary's text.

    `labels` are the words of the `report_labels` template (chart_done, chart_axis, …).
    """
    units = sorted(figures.units, key=lambda p: (-p.counts.total, p.name))[:MAX_UNITS]
    title = f"{_short(figures.scope.label or labels['chart_all'], 60)} · {figures.period.label}"
    spec = {
        "title": title,
        "axis": labels["chart_axis"],
        "series": [labels[f"chart_{attr}"] for attr, _ in _SERIES],
        "units": [[p.name, *(getattr(p.counts, attr) for attr, _ in _SERIES)] for p in units],
    }
    return json.dumps(spec, ensure_ascii=False).encode()


def chart_png(spec: bytes) -> bytes:
    """Stacked bars per unit of a `chart_spec`, the largest on top, as PNG bytes."""
    # Imported here: matplotlib takes a second to load, and most commands never draw.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    chart = json.loads(spec)
    units = list(reversed(chart["units"]))  # the largest on top
    height = 1.6 + 0.38 * max(len(units), 1)
    # DejaVu Sans ships with matplotlib and has every Vietnamese diacritic.
    fig = Figure(figsize=(9, height), dpi=100)
    # Fixed margins: room for unit names at left; tight_layout would cost half the time.
    fig.subplots_adjust(left=0.3, right=0.97, bottom=0.9 / height, top=1 - 0.45 / height)
    ax = fig.add_subplot()
    names = [_short(str(u[0])) for u in units]
    left = [0] * len(units)
    for n, ((_, colour), label) in enumerate(zip(_SERIES, chart["series"], strict=True)):
        values = [int(u[n + 1]) for u in units]
        ax.barh(names, values, left=left, color=colour, label=label, height=0.7)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(chart["axis"], fontfamily="DejaVu Sans")
    for tick in ax.get_yticklabels():
        tick.set_fontfamily("DejaVu Sans")
        tick.set_fontsize(8)
    ax.set_title(chart["title"], fontfamily="DejaVu Sans", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, prop={"family": "DejaVu Sans", "size": 8})
    ax.spines[["top", "right"]].set_visible(False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
