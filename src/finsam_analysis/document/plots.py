"""Figures for the reports: Swedish labels, Swedish number format, colour-blind-safe colours.

Every function takes a tidy frame and returns the matplotlib Figure; the notebook shows it.
Kvinnor and män have the same colours in every plot (GENDER_COLORS).
"""

from __future__ import annotations

import logging
import textwrap

# On a fresh machine matplotlib announces "building the font cache" on stderr; inside a report
# that line would be an output nbval compares. It is not an error: keep it out of the outputs.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: papermill runs have no display

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from finsam_analysis.document import fmt, labels

DPI = 110  # the PNGs' resolution (sections.figure_png)
PALETTE = sns.color_palette("colorblind")
GENDER_COLORS = {"kvinna": PALETTE[0], "man": PALETTE[1], "annat": PALETTE[2], "total": PALETTE[7]}
SERIES_COLORS = [PALETTE[i] for i in (0, 3, 2, 4, 1, 5, 6, 8, 9)]


def setup() -> None:
    """House style: white grid, colour-blind palette, deterministic figure size and DPI."""
    sns.set_theme(style="whitegrid", palette="colorblind")
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.2),
            # the layout is computed at 96 DPI and drawn at DPI: laying out at DPI instead saves
            # little (measured) and moves lines by a pixel; the figures stay as they were
            "figure.dpi": 96,
            "axes.titleweight": "bold",
            # the title just above the axes, where matplotlib puts it anyway when no tick labels
            # are on top: a fixed place spares measuring every artist of the axes at each draw
            "axes.titley": 1.0,
            "svg.hashsalt": "finsam",
        }
    )


def _tight(fig, **kwargs) -> None:
    """tight_layout once, then no layout engine: saving the figure draws it once, not twice
    (a figure with any layout engine, even the placeholder tight_layout leaves, is drawn an
    extra time before it is saved)."""
    fig.tight_layout(**kwargs)
    fig.set_layout_engine(None)


def swedish_axis(ax, axis: str = "y", decimals: int = 0, suffix: str = "") -> None:
    """Tick labels like '18 022' or '21,5 %' on the given axis."""
    formatter = FuncFormatter(lambda v, _pos: fmt.number(v, decimals) + suffix)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def wrap(text: str, width: int = 34) -> str:
    """A long Swedish name on at most three lines (tick labels must not collide)."""
    lines = textwrap.wrap(str(text), width) or [""]
    return "\n".join(
        lines[:2] + ([textwrap.shorten(" ".join(lines[2:]), width, placeholder="…")] if len(lines) > 2 else [])
    )


def _legend_below(fig, ax, ncol: int = 3) -> None:
    """The legend under the axes, outside the data, whatever the number of bars or years."""
    handles, names = ax.get_legend_handles_labels()
    if handles:
        fig.legend(
            handles, names, loc="lower center", ncol=min(ncol, len(handles)), frameon=False, bbox_to_anchor=(0.5, 0.0)
        )
    height = fig.get_size_inches()[1]
    _tight(fig, rect=(0, min(0.3, 0.42 / height) if handles else 0, 1, 1))


def _years(values) -> list[str]:
    return [str(int(v)) for v in values]


def _few_bars(ax, n: int, slots: int = 5) -> None:
    """With fewer than `slots` years, keep the bars narrow and centred (one year is not a wall)."""
    if 0 < n < slots:
        pad = (slots - n) / 2
        ax.set_xlim(-0.5 - pad, n - 0.5 + pad)


# a line through two points says no more than the two numbers in the table beside it
MIN_TREND_POINTS = 3


def line_trend(
    df: pd.DataFrame, x: str, series: dict[str, str], title: str, ylabel: str, scale: float = 1000.0
) -> plt.Figure:
    """One line per column in `series` ({column: Swedish label}), from a zero baseline (amounts)."""
    fig, ax = plt.subplots()
    years = _years(df[x])
    for color, (column, label) in zip(SERIES_COLORS, series.items()):
        ax.plot(years, df[column] / scale, marker="o", label=label, color=color)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    values = df[list(series)] / scale
    low = min(0.0, float(values.min().min()))
    high = max(0.0, float(values.max().max()))
    # headroom above the highest point, so no marker sits cut on the frame
    ax.set_ylim(bottom=low * 1.1 if low < 0 else 0, top=high * 1.08 if high > 0 else None)
    swedish_axis(ax)
    _legend_below(fig, ax)
    return fig


def amount_trends(
    df: pd.DataFrame, x: str, panels: dict[str, str], title: str, scale: float = 1000.0, unit: str = "tkr"
) -> plt.Figure:
    """Small multiples: one bar chart per amount ({column: Swedish title}), each from zero.

    A year without a figure has no bar (never a zero bar); negative amounts go below the zero
    line, which is drawn. Holds for one year and for twenty."""
    panels = {c: name for c, name in panels.items() if c in df.columns and df[c].notna().any()}
    n = max(len(panels), 1)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(8, 2.9 * rows + 0.4), squeeze=False)
    years = _years(df[x])
    for ax, (column, name) in zip(axes.ravel(), panels.items()):
        values = df[column] / scale
        colors = [PALETTE[3] if v < 0 else PALETTE[0] for v in values.fillna(0)]
        ax.bar(years, values.fillna(0).where(values.notna(), 0), color=colors, width=0.6)
        ax.axhline(0, color="#444", linewidth=0.8)
        _few_bars(ax, len(years))
        ax.set_title(name, fontsize=11)
        ax.set_ylabel(unit)
        swedish_axis(ax)
        if len(years) > 8:
            ax.tick_params(axis="x", labelrotation=45)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontweight="bold")
    _tight(fig)
    return fig


def stacked_shares(
    df: pd.DataFrame, x: str, category: str, share: str, labels: dict[str, str], title: str
) -> plt.Figure:
    """Stacked bars of shares (per cent) per category and year; legend under the chart."""
    wide = df.pivot_table(index=x, columns=category, values=share, aggfunc="sum").fillna(0)
    wide = wide[[c for c in labels if c in wide.columns]]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    bottom = pd.Series(0.0, index=wide.index)
    for color, column in zip(SERIES_COLORS, wide.columns):
        ax.bar(_years(wide.index), wide[column], bottom=bottom, label=labels[column], color=color, width=0.6)
        bottom = bottom + wide[column]
    _few_bars(ax, len(wide.index))
    ax.set_title(title)
    ax.set_ylabel("Andel av kostnaderna")
    ax.set_ylim(0, 100)
    swedish_axis(ax, suffix=" %")
    _legend_below(fig, ax, ncol=2)
    return fig


def gender_bars(
    df: pd.DataFrame,
    category: str,
    title: str,
    count: str = "count",
    suppressed: str = "suppressed",
    threshold: int = 5,
    derived: str | None = None,
) -> plt.Figure:
    """Grouped bars of counts per gender. A masked cell has no bar and the label "×" (the same
    symbol as the tables); a gender the source does not give for a row is not drawn at all."""
    from finsam_analysis.document.suppression import MASK

    genders = [g for g in ("kvinna", "man", "annat") if g in set(df["gender"])]
    categories = list(dict.fromkeys(df[category]))
    lines = max((wrap(c, 40).count("\n") + 1 for c in categories), default=1)
    per_row = max(0.32 * max(len(genders), 1), 0.2 * lines + 0.2)
    fig, ax = plt.subplots(figsize=(8, 1.2 + per_row * max(len(categories), 1)))
    height = 0.8 / max(len(genders), 1)
    top = float(df[count].max()) if df[count].notna().any() else 1.0
    for i, gender in enumerate(genders):
        part = df[df["gender"] == gender].set_index(category).reindex(categories)
        present = part[count].notna() | (part[suppressed].fillna(False).astype(bool) if suppressed in part else False)
        positions = [c + i * height for c in range(len(categories))]
        hidden = (
            part[suppressed].fillna(False).astype(bool) if suppressed in part else pd.Series(False, index=part.index)
        )
        values = part[count].where(~hidden, 0).fillna(0)
        ax.barh(
            [p for p, ok in zip(positions, present) if ok],
            [v for v, ok in zip(values, present) if ok],
            height=height,
            color=GENDER_COLORS[gender],
            label=labels.label("genders", gender),
        )
        approx = (
            part[derived].astype(str).str.contains("derived")
            if derived and derived in part
            else pd.Series(False, index=part.index)
        )
        for pos, value, hide, ok, est in zip(positions, values, hidden, present, approx):
            if ok:
                ax.text(
                    value + top * 0.01,
                    pos,
                    MASK if hide else ("≈ " if est else "") + fmt.number(value),
                    va="center",
                    fontsize=9,
                )
    ax.set_yticks(
        [c + height * (len(genders) - 1) / 2 for c in range(len(categories))], [wrap(c, 40) for c in categories]
    )
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("Antal deltagare")
    ax.set_xlim(0, top * 1.15)
    swedish_axis(ax, axis="x")
    _legend_below(fig, ax)
    return fig


def budget_vs_outcome(
    df: pd.DataFrame, label: str, budget: str, outcome: str, title: str, scale: float = 1000.0
) -> plt.Figure:
    """Horizontal paired bars of budget and outcome per insats (tkr), from zero; the legend
    under the chart; long names wrapped. The caller passes insatser only, never subtotals."""
    n = max(len(df), 1)
    names = [wrap(v, 36) for v in df[label]]
    lines = max((name.count("\n") + 1 for name in names), default=1)
    fig, ax = plt.subplots(figsize=(9, 1.4 + max(0.55, 0.2 * lines + 0.2) * n))
    positions = range(len(df))
    ax.barh([p - 0.2 for p in positions], df[budget] / scale, height=0.4, label="Budget", color=PALETTE[7])
    ax.barh([p + 0.2 for p in positions], df[outcome] / scale, height=0.4, label="Utfall", color=PALETTE[0])
    ax.set_yticks(list(positions), names)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_title(title)
    ax.set_xlabel("tkr")
    ax.set_xlim(left=0)
    swedish_axis(ax, axis="x")
    _legend_below(fig, ax)
    return fig


def equity_vs_cap(df: pd.DataFrame, x: str, equity: str, cap: str, title: str, scale: float = 1000.0) -> plt.Figure:
    """Equity per year (bars from zero) against the guideline's cap (a marker per year)."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    years = _years(df[x])
    ax.bar(years, df[equity] / scale, color=PALETTE[0], label="Eget kapital", width=0.6)
    ax.plot(
        years,
        df[cap] / scale,
        color=PALETTE[3],
        marker="D",
        markersize=9,
        linestyle="--" if len(years) > 1 else "none",
        label="Nationella rådets riktvärde (högsta nivå)",
    )
    ax.axhline(0, color="#444", linewidth=0.8)
    _few_bars(ax, len(years))
    ax.set_title(title)
    ax.set_ylabel("tkr")
    swedish_axis(ax)
    _legend_below(fig, ax, ncol=2)
    return fig
