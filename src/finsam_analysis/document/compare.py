"""Side by side: the same key figures for every förbund, in the same year where they all have it.

For the exploration notebook notebooks/jamforelse.ipynb: an analyst's first question is how
the förbund compare in size, result, equity against the guideline and administration.

Years are aligned (comparison_years): the latest year for which every förbund has full-year
outcome figures; a förbund without figures for that year is shown for its own latest year, and
alignment_sentence says so plainly. A förbund without some tables (e.g. participants only) is
listed with its missing figures empty; one without any outcome year is listed without a year.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.data import reference
from finsam_analysis.data.build import Tables
from finsam_analysis.data.precedence import preferred_table
from finsam_analysis.document.items import Markdown
from finsam_analysis.measures import costs, health, trends


def load() -> tuple[Tables, pd.DataFrame | None]:
    """Every förbund's tables and, where they were written with them, the reconciliation results.

    From data/processed when it is current (what `finsam reports` guarantees before it renders
    this document: reconciling every förbund again would cost more than all the rest of it),
    else built from data/raw (an analyst editing data/raw sees the edit at once; the checks are
    then run by quality_table)."""
    from finsam_analysis.data.build import build_tables, is_current, load_findings, load_processed

    if is_current():
        return load_processed(), load_findings()
    return build_tables(), None


COLUMNS = [
    "forbund",
    "name",
    "year",
    "same_year",
    "contributions_sek",
    "operating_costs_sek",
    "net_result_sek",
    "equity_sek",
    "equity_cap_sek",
    "equity_pct_of_contributions",
    "admin_share_pct",
]


def latest_outcome_year(financials: pd.DataFrame) -> pd.DataFrame:
    """The latest year with outcome (utfall) figures, per förbund."""
    utfall = financials[financials["basis"] == "utfall"]
    return utfall.groupby("forbund", as_index=False)["year"].max()


def comparison_years(tables: Tables, year: int | None = None) -> tuple[pd.DataFrame, int | None]:
    """(one row per förbund: forbund, year, same_year; the common year or None).

    The common year is `year` if given, else the latest year with full-year outcome figures
    (data.targets.reportable_years) in every förbund that has any. A förbund without it gets
    its own latest full-year outcome year (same_year False); one without any gets year <NA>.
    """
    from finsam_analysis.data.targets import reportable_years

    pairs = reportable_years(tables)
    pairs = pairs[pairs["full_year"]]
    by_forbund = {f: set(int(y) for y in g["year"]) for f, g in pairs.groupby("forbund")}
    common = year
    if common is None and by_forbund:
        shared = set.intersection(*by_forbund.values())
        common = max(shared) if shared else None
    rows = []
    for forbund in sorted(str(f) for f in tables.forbund["forbund"]):
        years = by_forbund.get(forbund, set())
        if common is not None and common in years:
            rows.append((forbund, common, True))
        else:
            rows.append((forbund, max(years) if years else pd.NA, False))
    out = pd.DataFrame(rows, columns=["forbund", "year", "same_year"]).astype({"year": "Int64", "same_year": bool})
    return out, common


def alignment_sentence(tables: Tables, year: int | None = None) -> str:
    """In one or two Swedish sentences: which year each förbund is compared for."""
    years, common = comparison_years(tables, year)
    names = dict(zip(tables.forbund["forbund"], tables.forbund["name"]))
    others = years[~years["same_year"]]
    if common is None:
        listed = ", ".join(
            f"{names.get(f, f)} {y if pd.notna(y) else '(inget år med utfall)'}"
            for f, y in zip(years["forbund"], years["year"])
        )
        return f"Förbunden har inget gemensamt år med helårsutfall; varje förbund visas för sitt senaste år (markerat med * i tabellen): {listed}."
    text = f"Förbunden jämförs för {common}, det senaste år som alla har helårsutfall för."
    if len(others):
        listed = "; ".join(
            f"{names.get(f, f)} saknar utfall för {common} och visas för {y}"
            if pd.notna(y)
            else f"{names.get(f, f)} har inget år med utfall"
            for f, y in zip(others["forbund"], others["year"])
        )
        text = f"Förbunden jämförs för {common}. Undantag: {listed} (år markerade med * i tabellen)."
    return text


def key_figures(tables: Tables, years: pd.DataFrame | None = None, year: int | None = None) -> pd.DataFrame:
    """One row per förbund: contributions, costs, result, equity vs cap, admin share, active
    participants, in the year of comparison_years (the common year where every förbund has it,
    or `year`), or for the (forbund, year) rows of `years`.

    Costs are shown as positive amounts. A figure a förbund's documents do not give is NaN.
    Only full-year figures are compared (never a delår figure).
    """
    from finsam_analysis.data.periods import split_tables

    tables, _ = split_tables(tables)
    fin = preferred_table(tables, "financials")
    members = preferred_table(tables, "member_contributions")
    if years is None:
        years, _ = comparison_years(tables, year)
    else:
        years = years[["forbund", "year"]].drop_duplicates().assign(same_year=True)
    out = years.merge(tables.forbund[["forbund", "name"]], on="forbund", how="left")
    for item, column, sign in (("operating_costs", "operating_costs_sek", -1), ("net_result", "net_result_sek", 1)):
        series = trends.item_series(fin, item)[["forbund", "year", "value_sek"]]
        out = out.merge(
            series.assign(value_sek=series["value_sek"] * sign).rename(columns={"value_sek": column}),
            on=["forbund", "year"],
            how="left",
        )
    guide = health.equity_vs_guideline(fin, members, reference.load_equity_bands())
    guide = guide.rename(columns={"cap_sek": "equity_cap_sek"})[
        ["forbund", "year", "contributions_sek", "equity_sek", "equity_cap_sek", "equity_pct_of_contributions"]
    ]
    out = out.merge(guide, on=["forbund", "year"], how="left")
    admin = costs.admin_share(costs.cost_structure(tables.intervention_finance, tables.interventions))
    out = out.merge(admin[["forbund", "year", "admin_share_pct"]], on=["forbund", "year"], how="left")
    parts = preferred_table(tables, "participants")
    active = parts[
        (parts["intervention"] == "*")
        & (parts["group"] == "*")
        & (parts["measure"] == "active")
        & (parts["gender"] == "total")
        & (parts["unit"] == "count")
    ]
    active = (
        active.groupby(["forbund", "year"], as_index=False)["value"]
        .first()
        .rename(columns={"value": "active_participants"})
    )
    out = out.merge(active, on=["forbund", "year"], how="left")
    return out[COLUMNS + ["active_participants"]].sort_values("forbund", ignore_index=True)


def display_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Swedish headers and number format, one row per förbund."""
    from finsam_analysis.document import fmt, labels

    item = labels.labels("items")
    money = {
        "contributions_sek": item["member_contribution_total"],
        "operating_costs_sek": item["operating_costs"],
        "net_result_sek": item["net_result"],
        "equity_sek": "Eget kapital",
        "equity_cap_sek": "Riktvärde eget kapital",
    }
    same = figures["same_year"] if "same_year" in figures else pd.Series(True, index=figures.index)
    shown_year = [("–" if pd.isna(y) else f"{int(y)}" + ("" if s else " *")) for y, s in zip(figures["year"], same)]
    out = pd.DataFrame({"Förbund": figures["name"], "År": shown_year})
    for column, label in money.items():
        out[label] = figures[column].map(fmt.tkr)
    out["Eget kapital i % av bidragen"] = figures["equity_pct_of_contributions"].map(fmt.percent)
    out["Administrationens andel"] = figures["admin_share_pct"].map(fmt.percent)
    if "active_participants" in figures:
        out["Aktuella deltagare"] = figures["active_participants"].map(lambda v: fmt.number(v, missing=".."))
    return out.set_index("Förbund")


def quality_table(tables: Tables, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reconciliation per förbund in Swedish: checks, agreeing, registered by kind, unexplained."""
    from finsam_analysis.checks.reconcile import reconcile
    from finsam_analysis.document.quality import is_plan_difference

    results = reconcile(tables) if results is None else results
    names = dict(zip(tables.forbund["forbund"], tables.forbund["name"]))
    rows = []
    for forbund, group in results.groupby("forbund", sort=True):
        registered = group[group["status"] == "registered"]
        plan = [
            is_plan_difference(k, c, e)
            for k, c, e in zip(registered["registered_kind"], registered["check_id"], registered["explanation_sv"])
        ]
        kinds = registered["registered_kind"].value_counts()
        rows.append(
            {
                "Förbund": names.get(forbund, forbund),
                "Kontroller": len(group),
                "Stämmer": int((group["status"] == "ok").sum()),
                "Fel i källdokumenten": int(kinds.get("material", 0)),
                "Skillnader i definition": int(kinds.get("definition", 0)) - sum(plan),
                "Plan mot utfall": sum(plan),
                "Avrundningar": int(kinds.get("rounding", 0)),
                "Oförklarade": int((~group["status"].isin(["ok", "registered"])).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("Förbund") if rows else pd.DataFrame()


def title() -> list:
    """The comparison document's heading, date and data version."""
    from finsam_analysis.document import provenance

    return [
        Markdown(
            "# Jämförelse mellan samordningsförbunden\n\n"
            "Samma nyckeltal för varje förbund, för samma år där alla har utfall för det. Belopp i tusentals kronor (tkr); "
            "kostnader som positiva belopp.\n\n"
            f"<small>Skapad {provenance.generated_at()} · dataversion {provenance.data_version()}. "
            '<a href="index.html">Alla analysdokument</a> · <a href="validering.html">Avstämning av källdokumenten</a></small>'
        )
    ]


def key_figures_section(tables: Tables) -> list:
    """The key figures side by side, with what makes them hard to compare."""
    from finsam_analysis.document import fmt

    figures = key_figures(tables)
    if figures.empty:
        return [Markdown("## Nyckeltal"), Markdown("*Inga förbund med utfall i datat.*")]
    items = [Markdown("## Nyckeltal"), Markdown(alignment_sentence(tables)), display_table(figures)]
    notes = []
    fin = preferred_table(tables, "financials")
    for row in figures.itertuples(index=False):
        rr = fin[
            (fin["forbund"] == row.forbund)
            & (fin["year"] == row.year)
            & (fin["statement"] == "income_statement")
            & (fin["basis"] == "utfall")
        ]
        values = dict(zip(rr["item"], rr["value_sek"]))
        contrib, income = values.get("member_contribution_total"), values.get("operating_income")
        if contrib and income is not None and pd.notna(income) and contrib > income:
            notes.append(
                f"- {fmt.md(row.name)} redovisar medlemsbidragen utanför verksamhetens intäkter i resultaträkningen; jämför årets resultat, inte intäkterna."
            )
    notes.append(
        "- Administrationens andel bygger på hur varje förbund delar in sina insatser; förbunden bokför kansli och styrelse olika."
    )
    notes.append(
        "- Eget kapital i % av bidragen jämförs med Nationella rådets rekommendation (högst 20 % av de första 7 mnkr, 15 % av 7–15 mnkr, 10 % därutöver)."
    )
    items.append(Markdown("**Att tänka på vid jämförelsen:**\n\n" + "\n".join(notes)))
    return items


def quality_section(tables: Tables, results: pd.DataFrame | None = None) -> list:
    """The reconciliation of every förbund's source documents, in Swedish (results: the
    reconciliation's, when already at hand; else quality_table reconciles the tables)."""

    table = quality_table(tables, results)
    items = [Markdown("## Avstämning av källdokumenten")]
    if table.empty:
        return items + [Markdown("*Inga kontroller.*")]
    items.append(
        Markdown(
            "Antal kontrollerade summor, identiteter och upprepade uppgifter per förbund, och hur avstämningen utföll. Varje registrerad avvikelse förklaras i förbundets analysdokument."
        )
    )
    items.append(table)
    return items
