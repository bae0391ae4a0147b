"""Measures: pure functions from tidy DataFrames to tidy DataFrames.

One module per idea; every function's docstring gives its definition in Swedish and English,
and docs/measures.md collects them for analysts. Inputs are the processed tables
(finsam_analysis.load()). Where the same figure sits in several documents, the caller keeps
one row per key first (finsam_analysis.data.precedence.preferred); a measure that still finds two
different figures for one key raises MeasureError instead of summing them.
"""

from finsam_analysis.measures._frames import STATEMENT_PREFERENCE, MeasureError
from finsam_analysis.measures.budget import (
    budget_vs_outcome,
    budget_vs_outcome_items,
    compare_to_plan,
    forecast_accuracy,
)
from finsam_analysis.measures.costs import (
    admin_share,
    cost_per_participant,
    cost_structure,
    leaf_interventions,
    total_costs,
)
from finsam_analysis.measures.funding import (
    LAW_SHARES_PCT,
    contribution_totals,
    funding_shares,
    kommun_split,
)
from finsam_analysis.measures.health import (
    balance_requirement,
    equity_ratio,
    equity_vs_guideline,
    guideline_cap,
)
from finsam_analysis.measures.outcomes import outcome_rates
from finsam_analysis.measures.participants import gender_counts, gender_split
from finsam_analysis.measures.prices import to_fixed_prices
from finsam_analysis.measures.trends import cagr, item_series, nominal_and_real, year_over_year

__all__ = [
    "LAW_SHARES_PCT",
    "STATEMENT_PREFERENCE",
    "MeasureError",
    "admin_share",
    "balance_requirement",
    "budget_vs_outcome",
    "budget_vs_outcome_items",
    "cagr",
    "compare_to_plan",
    "contribution_totals",
    "cost_per_participant",
    "cost_structure",
    "equity_ratio",
    "equity_vs_guideline",
    "forecast_accuracy",
    "funding_shares",
    "gender_counts",
    "gender_split",
    "guideline_cap",
    "item_series",
    "kommun_split",
    "leaf_interventions",
    "nominal_and_real",
    "outcome_rates",
    "to_fixed_prices",
    "total_costs",
    "year_over_year",
]
