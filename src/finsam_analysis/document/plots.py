"""Figures for the reports: Swedish labels, Swedish number format, colour-blind-safe colours.

Every function takes a tidy frame and returns the matplotlib Figure; the notebook shows it.
Kvinnor and män have the same colours in every plot (GENDER_COLORS).
"""
from __future__ import annotations

import logging

# On a fresh machine matplotlib announces "building the font cache" on stderr; inside a report
# that line would be an output nbval compares. It is not an error: keep it out of the outputs.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: papermill runs have no display

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, MaxNLocator

from finsam_analysis.document import fmt, labels

PALETTE = sns.color_palette("colorblind")
GENDER_COLORS = {"kvinna": PALETTE[0], "man": PALETTE[1], "annat": PALETTE[2], "total": PALETTE[7]}
SERIES_COLORS = [PALETTE[i] for i in (0, 3, 2, 4, 1, 5, 6, 8, 9)]


def setup() -> None:
    """House style: white grid, colour-blind palette, deterministic figure size and DPI."""
    sns.set_theme(style="whitegrid", palette="colorblind")
    plt.rcParams.update({"figure.figsize": (8, 4.2), "figure.dpi": 96, "axes.titleweight": "bold", "svg.hashsalt": "finsam"})


def swedish_axis(ax, axis: str = "y", decimals: int = 0, suffix: str = "") -> None:
    """Tick labels like '18 022' or '21,5 %' on the given axis."""
    formatter = FuncFormatter(lambda v, _pos: fmt.number(v, decimals) + suffix)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _year_axis(ax) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("År")


def line_trend(df: pd.DataFrame, x: str, series: dict[str, str], title: str, ylabel: str, scale: float = 1000.0) -> plt.Figure:
    """One line per column in `series` ({column: Swedish label}); values divided by `scale` (tkr)."""
    fig, ax = plt.subplots()
    for color, (column, label) in zip(SERIES_COLORS, series.items()):
        data = df[[x, column]].dropna()
        ax.plot(data[x], data[column] / scale, marker="o", label=label, color=color)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    _year_axis(ax)
    swedish_axis(ax)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def stacked_shares(df: pd.DataFrame, x: str, category: str, share: str, labels: dict[str, str], title: str) -> plt.Figure:
    """Stacked bars of shares (per cent) per category and year."""
    wide = df.pivot_table(index=x, columns=category, values=share, aggfunc="sum").fillna(0)
    wide = wide[[c for c in labels if c in wide.columns]]
    fig, ax = plt.subplots()
    bottom = pd.Series(0.0, index=wide.index)
    for color, column in zip(SERIES_COLORS, wide.columns):
        ax.bar(wide.index.astype(str), wide[column], bottom=bottom, label=labels[column], color=color)
        bottom = bottom + wide[column]
    ax.set_title(title)
    ax.set_ylabel("Andel av kostnaderna")
    ax.set_xlabel("År")
    swedish_axis(ax, suffix=" %")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def gender_bars(df: pd.DataFrame, category: str, title: str, count: str = "count", suppressed: str = "suppressed", threshold: int = 5) -> plt.Figure:
    """Grouped bars of counts per gender; a suppressed cell is not drawn but labelled '<threshold'."""
    genders = [g for g in ("kvinna", "man", "annat") if g in set(df["gender"])]
    categories = list(dict.fromkeys(df[category]))
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * max(len(categories), 2) * max(len(genders), 1) / 1.5))
    height = 0.8 / max(len(genders), 1)
    for i, gender in enumerate(genders):
        part = df[df["gender"] == gender].set_index(category).reindex(categories)
        positions = [c + i * height for c in range(len(categories))]
        hidden = part[suppressed].fillna(False).astype(bool) if suppressed in part else pd.Series(False, index=part.index)
        values = part[count].where(~hidden, 0).fillna(0)
        ax.barh(positions, values, height=height, color=GENDER_COLORS[gender], label=labels.label("genders", gender))
        for pos, value, hide in zip(positions, values, hidden):
            ax.text(value, pos, f" <{threshold}" if hide else f" {fmt.number(value)}", va="center", fontsize=8)
    ax.set_yticks([c + height * (len(genders) - 1) / 2 for c in range(len(categories))], categories)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("Antal deltagare")
    ax.margins(x=0.12)  # room for the value labels
    swedish_axis(ax, axis="x")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def budget_vs_outcome(df: pd.DataFrame, label: str, budget: str, outcome: str, title: str, scale: float = 1000.0) -> plt.Figure:
    """Horizontal paired bars of budget and outcome per row (kronor shown in tkr)."""
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.42 * max(len(df), 2)))
    positions = range(len(df))
    ax.barh([p - 0.2 for p in positions], df[budget] / scale, height=0.4, label="Budget", color=PALETTE[7])
    ax.barh([p + 0.2 for p in positions], df[outcome] / scale, height=0.4, label="Utfall", color=PALETTE[0])
    ax.set_yticks(list(positions), df[label])
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("tkr")
    swedish_axis(ax, axis="x")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def equity_vs_cap(df: pd.DataFrame, x: str, equity: str, cap: str, title: str, scale: float = 1000.0) -> plt.Figure:
    """Equity per year against the guideline's cap (both in tkr)."""
    fig, ax = plt.subplots()
    ax.bar(df[x].astype(str), df[equity] / scale, color=PALETTE[0], label="Eget kapital")
    ax.plot(df[x].astype(str), df[cap] / scale, color=PALETTE[3], marker="D", linestyle="--", label="Nationella rådets riktvärde")
    ax.set_title(title)
    ax.set_ylabel("tkr")
    ax.set_xlabel("År")
    swedish_axis(ax)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
