"""Charts that hold at every size: one year, fifteen insatser, long Swedish names."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from finsam_analysis.document import plots, sections


def boxes(fig, artists):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists if a.get_text()]


def overlapping(bbs) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(bbs) for b in bbs[i + 1 :])


@pytest.fixture(autouse=True)
def style():
    plots.setup()
    yield
    plt.close("all")


def test_budget_chart_with_fifteen_long_names_has_no_collisions_and_the_legend_outside():
    names = [f"Individsamverkansteam med ett mycket långt svenskt namn nummer {i} (Halmstad/Hylte)" for i in range(15)]
    df = pd.DataFrame({"name": names, "b": [1e6 * (i + 1) for i in range(15)], "u": [9e5 * (i + 1) for i in range(15)]})
    fig = plots.budget_vs_outcome(df, "name", "b", "u", "Budget och utfall per insats 2024")
    ax = fig.axes[0]
    assert not overlapping(boxes(fig, ax.get_yticklabels()))
    legend = fig.legends[0].get_window_extent(fig.canvas.get_renderer())
    assert not legend.overlaps(ax.get_window_extent(fig.canvas.get_renderer()))
    assert ax.get_xlim()[0] == 0  # amounts from zero
    assert fig.get_size_inches()[1] > 8  # the chart grows with the rows instead of squashing them


def test_one_year_charts_keep_narrow_bars_and_zero_baselines():
    df = pd.DataFrame({"year": [2024], "income": [4.7e6], "costs": [2.27e7], "result": [-2.5e5], "equity": [3.3e6]})
    fig = plots.amount_trends(
        df,
        "year",
        {"income": "Intäkter", "costs": "Kostnader", "result": "Resultat", "equity": "Eget kapital"},
        "Ett år",
    )
    for ax in fig.axes:
        low, high = ax.get_ylim()
        assert low <= 0 <= high
        assert ax.get_xlim()[1] - ax.get_xlim()[0] >= 4  # one bar is not a wall
    cap = pd.DataFrame({"year": [2024], "equity": [1.0e6], "cap": [9.44e5]})
    fig = plots.equity_vs_cap(cap, "year", "equity", "cap", "Eget kapital mot riktvärdet")
    ax = fig.axes[0]
    legend = fig.legends[0].get_window_extent(fig.canvas.get_renderer())
    assert not legend.overlaps(ax.get_window_extent(fig.canvas.get_renderer()))


def test_missing_years_have_no_bar_and_alt_text_names_every_panel():
    df = pd.DataFrame({"year": [2022, 2023, 2024], "income": [None, 2.5e6, 4.7e6], "costs": [2.5e7, 2.2e7, 2.3e7]})
    fig = plots.amount_trends(
        df, "year", {"income": "Verksamhetens intäkter", "costs": "Verksamhetens kostnader"}, "Utveckling"
    )
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[0] == 0  # no figure: no bar, never a made-up one
    assert sections.alt_text(fig) == "Utveckling; Verksamhetens intäkter; Verksamhetens kostnader"


def test_gender_chart_draws_only_the_genders_the_source_gives():
    df = pd.DataFrame(
        {
            "label": ["A", "A", "B", "B", "B"],
            "gender": ["kvinna", "man", "kvinna", "man", "annat"],
            "count": [87.0, 58.0, None, None, None],
            "suppressed": [False, False, True, True, True],
            "source": ["derived from pct", "derived from pct", "printed", "printed", "printed"],
        }
    )
    fig = plots.gender_bars(df, "label", "Deltagare", derived="source")
    values = [t.get_text() for t in fig.axes[0].texts]
    assert values.count("×") == 3 and "≈ 87" in values and "0" not in values
