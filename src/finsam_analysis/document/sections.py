"""The sections of the per-förbund analysis document (what notebooks/forbund_report.ipynb calls).

Each section function takes a ReportContext and returns a list of items to show: Markdown
text, a table (a DataFrame of Swedish-formatted strings with Swedish headers) or a matplotlib
figure. A section without data returns one line saying so. The notebook stays thin: one call
per section, `show(...)` to display. Counts below the suppression threshold never reach a
table or a plot: they pass through suppression.suppress_small_counts first.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd

from finsam_analysis.data import paths, periods, reference
from finsam_analysis.data.build import TABLE_FILES, Tables, build_tables, is_current, load_findings, load_processed
from finsam_analysis.data.precedence import preferred_table
from finsam_analysis.data.targets import check_target
from finsam_analysis.document import delar, fmt, labels, plots, suppression
from finsam_analysis.document.parameters import check_values
from finsam_analysis.measures import budget, costs, funding, health, outcomes, participants, prices, trends

# the key figures of the summary, in the order shown
SUMMARY_ITEMS = ("member_contribution_total", "operating_income", "operating_costs", "net_result", "equity", "total_assets")
Item = object  # a Markdown string, a DataFrame or a matplotlib Figure


class Markdown(str):
    """Report text in Markdown (rendered by the notebook's display)."""


@dataclass
class ReportContext:
    """Everything a report section needs: parameters and this förbund's tables."""

    forbund: str
    year: int
    threshold: int
    base_year: int
    name: str
    tables: Tables  # filtered to this förbund, every full-year figure as curated
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    part_year: Tables | None = None  # figures for part of a year (delår): shown apart, never mixed in

    # cached: every section reads these, and picking one figure per key sorts the table
    @cached_property
    def fin(self) -> pd.DataFrame:
        """Financials with one figure per (year, basis, item, statement): newest document wins."""
        return preferred_table(self.tables, "financials")

    @cached_property
    def mc(self) -> pd.DataFrame:
        """Member contributions with one figure per (year, basis, member, kind)."""
        return preferred_table(self.tables, "member_contributions")

    @cached_property
    def parts(self) -> pd.DataFrame:
        """Participants with one figure per key (precedence.preferred_table)."""
        return preferred_table(self.tables, "participants")

    @cached_property
    def outs(self) -> pd.DataFrame:
        return preferred_table(self.tables, "outcomes")


def _filter(tables: Tables, forbund: str) -> Tables:
    frames = {}
    for name in TABLE_FILES:
        frame = tables.table(name)
        frames[name] = frame[frame["forbund"] == forbund].reset_index(drop=True)
    return Tables(**frames, raw=[f for f in tables.raw if f.slug == forbund])


def prepare(
    forbund: str,
    year: int | None = None,
    suppression_threshold: int = suppression.DEFAULT_THRESHOLD,
    base_year: int | None = None,
    tables: Tables | None = None,
) -> ReportContext:
    """Check the report parameters against the data and collect this förbund's tables.

    Fails at once, before any work, on a value outside its declared range (document.parameters)
    or a target the report-target rule does not give (data.targets). Without `tables`, only this
    förbund's folder is loaded: a kernel never reads the other förbund's data.
    """
    check_values({"forbund": forbund, "year": year, "suppression_threshold": suppression_threshold, "base_year": base_year})
    findings = None
    if tables is None:
        tables, findings = _own_tables(forbund)
    target = check_target(tables, forbund, year)
    # default: the report year's money, or the nearest year the KPI covers (never a failure)
    base_year = prices.base_year_for(target.year, reference.load_kpi()) if base_year is None else base_year
    check_values({"base_year": base_year})
    plots.setup()
    name = tables.forbund.loc[tables.forbund["forbund"] == forbund, "name"].iloc[0]
    own = _filter(tables, forbund)
    if findings is None:
        from finsam_analysis.checks.reconcile import reconcile

        findings = reconcile(own)
    full, part = periods.split_tables(own)
    return ReportContext(forbund, target.year, suppression_threshold, base_year, name, full, findings, part)


def _own_tables(forbund: str) -> tuple[Tables, pd.DataFrame | None]:
    """Only this förbund's tables (and checks): read from data/processed when it is current
    (what `finsam reports` guarantees), else built from its raw folder (an analyst editing
    data/raw in JupyterLab sees the edit at once)."""
    if is_current():
        return load_processed(only=[forbund]), load_findings(only=[forbund])
    only = [forbund] if paths.is_slug(forbund) and (paths.RAW_DIR / forbund).is_dir() else None
    return build_tables(only=only), None


# ----------------------------------------------------------------------------- display

def show(items: list[Item]) -> None:
    """Display section items in a notebook; figures are closed after display."""
    from IPython.display import Image, Markdown as IPyMarkdown, display

    for item in items:
        if isinstance(item, Markdown):
            display(IPyMarkdown(str(item)))
        elif isinstance(item, plt.Figure):
            # rendered explicitly: works with any backend, and the text output nbval compares
            # is a constant "<IPython.core.display.Image object>"
            titles = [ax.get_title() for ax in item.axes if ax.get_title()]
            display(Image(data=figure_png(item), format="png", alt="; ".join(titles) or "Diagram"))
            plt.close(item)
        else:
            # whole tables and whole explanations: a report must not cut text with "..."
            with pd.option_context("display.max_colwidth", None, "display.max_rows", None, "display.max_columns", None):
                display(item)


def figure_png(figure: plt.Figure) -> bytes:
    """The figure as PNG bytes (fixed DPI, no timestamps in the metadata)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    return buffer.getvalue()


def table(df: pd.DataFrame, columns: dict[str, tuple[str, object]]) -> pd.DataFrame:
    """A display table: {column: (Swedish header, formatter)}; the first column is the index."""
    out = pd.DataFrame({label: df[col].map(formatter) if formatter else df[col].astype(str) for col, (label, formatter) in columns.items()})
    return out.set_index(out.columns[0])


def none_line(what: str) -> list[Item]:
    """The one line a section shows when the förbund's documents have no data for it."""
    return [Markdown(f"*{what}: uppgifter saknas för detta förbund.*")]


def _item(ctx: ReportContext, item: str, year: int | None = None) -> float | None:
    series = trends.item_series(ctx.fin, item)
    row = series[series["year"] == (year or ctx.year)]
    return float(row["value_sek"].iloc[0]) if len(row) else None


# ----------------------------------------------------------------------------- sections

def title(ctx: ReportContext) -> list[Item]:
    sources = ctx.tables.sources.sort_values("document")
    docs = ", ".join(f"{t} ({d})" for t, d in zip(sources["title"], sources["date"]))
    return [Markdown(f"# {ctx.name}: analys av {ctx.year}\n\nUnderlag: {docs}. Belopp i kronor (kr) eller tusentals kronor (tkr); fasta priser i {ctx.base_year} års penningvärde (KPI). Antal under {ctx.threshold} redovisas inte.")] + delar.base_year_sentence(ctx.year, ctx.base_year)


def summary(ctx: ReportContext) -> list[Item]:
    """Key figures of the year."""
    fin = ctx.fin
    rows = []
    for item in SUMMARY_ITEMS:
        label = labels.label("items", item)
        value = _item(ctx, item)
        if item == "member_contribution_total" and value is None:
            totals = funding.contribution_totals(fin, ctx.mc)
            hit = totals[totals["year"] == ctx.year]
            value = float(hit["contributions_sek"].iloc[0]) if len(hit) else None
        if value is not None:
            rows.append((label, delar.shown_amount(fin, item, ctx.year, value)))
    ratio = health.equity_ratio(fin)
    ratio = ratio[ratio["year"] == ctx.year]
    if len(ratio) and pd.notna(ratio["equity_ratio_pct"].iloc[0]):
        rows.append(("Soliditet", fmt.percent(ratio["equity_ratio_pct"].iloc[0])))
    guide = _guideline(ctx)
    if len(guide):
        g = guide.iloc[0]
        rows.append(("Riktvärde eget kapital (Nationella rådet)", fmt.kronor(g["cap_sek"])))
        rows.append(("Eget kapital i % av medlemsbidragen", fmt.percent(g["equity_pct_of_contributions"])))
    if not rows and ctx.part_year is not None and (ctx.part_year.financials["year"] == ctx.year).any():
        return [Markdown("## Sammanfattning"), Markdown(f"*Nyckeltal för helåret {ctx.year} saknas ännu; dokumenten ger bara delårsuppgifter för {ctx.year} (avsnittet Delårsuppgifter).*")]
    if not rows:
        return none_line("Nyckeltal")
    return [Markdown("## Sammanfattning"), pd.DataFrame(rows, columns=["Nyckeltal", f"{ctx.year}"]).set_index("Nyckeltal")]


def _guideline(ctx: ReportContext) -> pd.DataFrame:
    out = health.equity_vs_guideline(ctx.fin, ctx.mc, reference.load_equity_bands())
    return out[(out["year"] == ctx.year) & out["equity_sek"].notna()].reset_index(drop=True)


def member_funding(ctx: ReportContext) -> list[Item]:
    """Contributions per member kind vs the law's 1/2, 1/4, 1/4, and the kommun split."""
    items: list[Item] = [Markdown("## Finansiering från medlemmarna")]
    mc = ctx.mc
    if mc.empty:
        return items + none_line("Medlemsbidrag per medlem")
    shares = funding.funding_shares(mc)
    shares = shares[shares["year"] == ctx.year]
    if shares.empty:
        return items + [Markdown(f"*Medlemsbidrag per medlem saknas för {ctx.year}.*")]
    items.append(Markdown("Enligt lagen (2003:1210) 5 § betalar staten hälften, regionen en fjärdedel och kommunerna tillsammans en fjärdedel."))
    shares = shares.assign(kind_sv=labels.label_series(shares["member_kind"], "member_kinds"))
    items.append(table(shares, {"kind_sv": ("Medlem", None), "value_sek": ("Bidrag", fmt.kronor), "share_pct": ("Andel", lambda v: fmt.percent(v, 2)), "law_share_pct": ("Enligt lag", lambda v: fmt.percent(v, 0)), "deviation_pp": ("Avvikelse (procentenheter)", lambda v: fmt.number(v, 3))}))
    split = funding.kommun_split(mc)
    split = split[split["year"] == ctx.year]
    if len(split):
        items.append(Markdown("Kommunernas fördelning (efter folkmängd enligt förbundsordningen):"))
        items.append(table(split, {"member": ("Kommun", None), "value_sek": ("Bidrag", fmt.kronor), "share_of_total_pct": ("Andel av alla medlemsbidrag", lambda v: fmt.percent(v, 1)), "share_of_kommun_part_pct": ("Andel av kommunernas del", lambda v: fmt.percent(v, 1)), "printed_share_pct": ("Tryckt andel", lambda v: fmt.percent(v, 0))}))
    return items


TREND_ITEMS = (
    # item, sign (costs shown as positive amounts), show changes in per cent
    ("member_contribution_total", 1, True),
    ("operating_income", 1, True),
    ("operating_costs", -1, True),
    ("net_result", 1, False),
)


def trend_section(ctx: ReportContext) -> list[Item]:
    """Contributions, income, costs and result over the overview years, nominal and fixed prices."""
    items: list[Item] = [Markdown("## Utveckling över tid")]
    kpi = reference.load_kpi()
    fixed = prices.fixed_column("value_sek")
    shown, uncovered = 0, set()
    for item, sign, with_change in TREND_ITEMS:
        label = labels.label("items", item)
        series = trends.item_series(ctx.fin, item)
        series = series[series["year"] <= ctx.year]
        if len(series) < 2:
            continue
        series = series.assign(value_sek=series["value_sek"] * sign)
        real = trends.nominal_and_real(series, kpi, ctx.base_year, missing="nan")  # a year without KPI: nominal only
        uncovered.update(prices.uncovered_years(series, kpi))
        columns = {"year": ("År", str), "value_sek": ("Löpande priser", fmt.tkr), fixed: ("Fasta priser", fmt.tkr)}
        if with_change:
            columns.update({"change_pct": ("Förändring", fmt.percent), "real_change_pct": ("Real förändring", fmt.percent)})
        items.append(Markdown(f"**{label}** (tkr; fasta priser i {ctx.base_year} års penningvärde enligt KPI)"))
        items.append(table(real, columns))
        if item == "member_contribution_total":
            items.append(plots.line_trend(real, "year", {"value_sek": "Löpande priser", fixed: f"Fasta priser ({ctx.base_year})"}, "Medlemsbidrag i löpande och fasta priser", "tkr"))
            nominal = trends.cagr(real[["forbund", "year", "value_sek"]])
            in_fixed = trends.cagr(real[["forbund", "year", fixed]].rename(columns={fixed: "value_sek"}))
            if len(nominal) and pd.notna(nominal["cagr_pct"].iloc[0]):
                g, r = nominal.iloc[0], in_fixed.iloc[0]
                items.append(Markdown(f"Medlemsbidragen förändrades med i genomsnitt {fmt.percent(g['cagr_pct'])} per år {int(g['start_year'])}–{int(g['end_year'])} i löpande priser och {fmt.percent(r['cagr_pct'])} per år i fasta priser."))
        shown += 1
    if not shown:
        return items + none_line("Flerårsöversikt")
    return items + delar.uncovered_sentence(sorted(uncovered), ctx.base_year)


def cost_structure_section(ctx: ReportContext) -> list[Item]:
    """Share of costs to individual and structural insatser and administration."""
    items: list[Item] = [Markdown("## Kostnadsstruktur")]
    structure = costs.cost_structure(ctx.tables.intervention_finance, ctx.tables.interventions)
    if structure.empty:
        return items + none_line("Kostnader per insats")
    structure = structure.assign(kind_sv=labels.label_series(structure["kind"], "intervention_kinds"))
    this_year = structure[structure["year"] == ctx.year]
    if len(this_year):
        items.append(table(this_year, {"kind_sv": ("Slag av insats", None), "value_sek": ("Kostnad", fmt.kronor), "share_pct": ("Andel", fmt.percent)}))
    admin = costs.admin_share(structure)
    admin = admin[admin["year"] == ctx.year]
    if len(admin) and pd.notna(admin["admin_share_pct"].iloc[0]):
        items.append(Markdown(f"Administrationens andel av kostnaderna {ctx.year}: {fmt.percent(admin['admin_share_pct'].iloc[0])}."))
    items.append(plots.stacked_shares(structure, "year", "kind", "share_pct", labels.labels("intervention_kinds"), "Kostnadernas fördelning per slag av insats"))
    return items


def cost_per_participant_section(ctx: ReportContext) -> list[Item]:
    """Cost per participant per insats, with the participant definition stated."""
    items: list[Item] = [Markdown("## Kostnad per deltagare")]
    finance, parts = ctx.tables.intervention_finance, ctx.parts
    if finance.empty or parts.empty:
        return items + none_line("Kostnader eller deltagare per insats")
    rows = []
    for measure in ("active", "started"):
        try:
            result = costs.cost_per_participant(finance[finance["basis"] == "utfall"], parts, participant_measure=measure)
        except Exception as exc:  # a measure that cannot be computed is reported, not hidden
            items.append(Markdown(f"*Kostnad per deltagare ({labels.label('participant_measures', measure)}) kan inte beräknas: {exc}*"))
            continue
        rows.append(result[(result["year"] == ctx.year) & result["cost_per_participant_sek"].notna()])
    data = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if data.empty:
        return items + [Markdown(f"*Ingen insats har både kostnad och antal deltagare för {ctx.year}.*")]
    data = data.assign(definition=labels.label_series(data["participant_measure"], "participant_measures"))
    # a participant count below the threshold must not be shown, nor a cost that reveals it
    data = data.assign(count=data["participants"])
    data = suppression.suppress_small_counts(data, ctx.threshold, part=None)
    data["cost_shown"] = [("–" if hidden else fmt.kronor(v)) for hidden, v in zip(data["suppressed"], data["cost_per_participant_sek"])]
    items.append(table(data, {"intervention": ("Insats", None), "definition": ("Deltagare", None), "count_display": ("Antal", None), "cost_sek": ("Kostnad", lambda v: fmt.kronor(abs(v))), "cost_shown": ("Kostnad per deltagare", None)}))
    items.append(Markdown("Kostnad per deltagare = insatsens kostnad (utfall) / antal deltagare enligt angiven definition. Budget divideras aldrig med faktiska deltagare."))
    return items


def participants_section(ctx: ReportContext) -> list[Item]:
    """Participants by gender per insats (suppressed where small)."""
    items: list[Item] = [Markdown("## Deltagare efter kön")]
    parts = ctx.parts
    parts = parts[(parts["year"] == ctx.year) & parts["measure"].isin(["active", "started", "exited"]) & (parts["group"] == "*")]
    if parts.empty:
        return items + none_line("Deltagare per kön")
    split = participants.gender_split(parts)
    split = suppression.suppress_small_counts(split, ctx.threshold, count="count", part="gender")
    split = split.assign(label=labels.place_series(split["intervention"]) + " – " + labels.label_series(split["measure"], "participant_measures"), gender_sv=labels.label_series(split["gender"], "genders"))
    shown = split[split["gender"] != "total"]
    wide = shown.pivot_table(index="label", columns="gender_sv", values="count_display", aggfunc="first", sort=False)
    share = shown.pivot_table(index="label", columns="gender_sv", values="share_pct_display", aggfunc="first", sort=False)
    totals = split[split["gender"] == "total"].set_index("label")["count_display"]
    display = wide.join(share.add_suffix(" (andel)")).join(totals.rename("Totalt"))
    display.index.name, display.columns.name = "Insats – deltagare", None
    items.append(display.fillna(""))
    items += _participants_by_kommun(ctx)
    plot_data = suppression.masked(shown).assign(label=shown["label"])
    plot_data = plot_data[plot_data["measure"] == "active"]
    if len(plot_data):
        items.append(plots.gender_bars(plot_data, "label", f"Aktuella deltagare {ctx.year} efter kön", threshold=ctx.threshold))
    return items


def _participants_by_kommun(ctx: ReportContext) -> list[Item]:
    """Active participants per kommun and gender, masked along both kommun and gender."""
    parts = ctx.parts
    parts = parts[(parts["year"] == ctx.year) & (parts["measure"] == "active") & (parts["unit"] == "count") & (parts["intervention"] == "*")]
    if not (parts["group"] != "*").any():
        return []
    split = participants.gender_split(parts)
    split = suppression.suppress_small_counts(split, ctx.threshold, count="count", part=("gender", "group"))
    split = split.assign(gender_sv=labels.label_series(split["gender"], "genders"), kommun=labels.place_series(split["group"]))
    wide = split.pivot_table(index="kommun", columns="gender_sv", values="count_display", aggfunc="first", sort=False)
    wide = wide[[g for g in labels.labels("genders").values() if g in wide.columns]]
    wide.index.name, wide.columns.name = "Kommun", None
    return [Markdown(f"Aktuella deltagare {ctx.year} per kommun och kön:"), wide.fillna("")]


def outcomes_section(ctx: ReportContext) -> list[Item]:
    """Outcomes with their base stated (exited vs all participants)."""
    items: list[Item] = [Markdown("## Resultat för deltagarna")]
    out = ctx.outs
    out = out[out["year"] == ctx.year]
    if out.empty:
        return items + none_line("Avslut och resultat")
    rates = outcomes.outcome_rates(out, ctx.parts)
    rates = suppression.suppress_small_counts(rates, ctx.threshold, count="count", part=None, base="base_count")
    rates = rates.assign(outcome_sv=labels.label_series(rates["outcome"], "outcomes"), gender_sv=labels.label_series(rates["gender"], "genders"), base_sv=rates["base"].map(labels.labels("participant_measures")).fillna("okänd bas"))
    rates["label"] = labels.place_series(rates["intervention"]) + " – " + rates["outcome_sv"]
    items.append(table(rates, {"label": ("Insats – utfall", None), "gender_sv": ("Kön", None), "rate_pct_display": ("Andel", None), "count_display": ("Antal", None), "base_sv": ("Bas (andel av)", None), "base_count_display": ("Basens antal", None)}))
    items.append(Markdown("Andelen avser den bas som anges: t.ex. andel av avslutade deltagare, inte av alla aktuella."))
    return items


def financial_health(ctx: ReportContext) -> list[Item]:
    """Result, balanskrav, equity vs the guideline, budget vs outcome, forecast accuracy."""
    items: list[Item] = [Markdown("## Ekonomisk ställning")]
    fin = ctx.fin
    balance = health.balance_requirement(fin)
    balance = balance[balance["year"] <= ctx.year].tail(6)
    if len(balance):
        balance = balance.assign(met=balance["requirement_met"].map({True: "Ja", False: "Nej"}))
        items.append(table(balance, {"year": ("År", str), "net_result_sek": ("Årets resultat", fmt.kronor), "balance_requirement_result_sek": ("Balanskravsresultat", fmt.kronor), "met": ("Balanskravet uppfyllt", None)}))
    guide = health.equity_vs_guideline(fin, ctx.mc, reference.load_equity_bands())
    guide = guide[guide["equity_sek"].notna() & guide["cap_sek"].notna() & (guide["year"] <= ctx.year)]
    if len(guide):
        items.append(Markdown("Nationella rådets riktlinje: eget kapital bör inte överstiga 20 % av de första 7 Mkr i medlemsbidrag, 15 % av delen 7–15 Mkr och 10 % därutöver."))
        items.append(table(guide, {"year": ("År", str), "contributions_sek": ("Medlemsbidrag", fmt.kronor), "equity_sek": ("Eget kapital", fmt.kronor), "cap_sek": ("Riktvärde", fmt.kronor), "equity_pct_of_contributions": ("Eget kapital i % av bidragen", fmt.percent), "excess_sek": ("Över riktvärdet", fmt.kronor)}))
        items.append(plots.equity_vs_cap(guide, "year", "equity_sek", "cap_sek", "Eget kapital mot Nationella rådets riktvärde"))
    plan = budget.budget_vs_outcome(ctx.tables.intervention_finance, measures=("cost",))
    plan = plan[(plan["year"] == ctx.year) & plan["planned_sek"].notna() & plan["actual_sek"].notna()]
    if len(plan):
        items.append(Markdown(f"**Budget och utfall per insats {ctx.year} (kostnader)**"))
        items.append(table(plan, {"intervention": ("Insats", None), "planned_sek": ("Budget", lambda v: fmt.kronor(abs(v))), "actual_sek": ("Utfall", lambda v: fmt.kronor(abs(v))), "deviation_sek": ("Avvikelse (+ = lägre kostnad)", fmt.kronor), "deviation_pct": ("Avvikelse %", fmt.percent)}))
        chart = plan.assign(budget=plan["planned_sek"].abs(), outcome=plan["actual_sek"].abs())
        items.append(plots.budget_vs_outcome(chart, "intervention", "budget", "outcome", f"Budget och utfall per insats {ctx.year}"))
    items_plan = budget.budget_vs_outcome_items(fin)
    items_plan = items_plan[items_plan["planned_sek"].notna() & items_plan["actual_sek"].notna()]
    if len(items_plan):
        items.append(Markdown("**Budget och prognos mot utfall (resultaträkningens poster)**"))
        items_plan = items_plan.assign(item_sv=labels.label_series(items_plan["item"], "items") + " " + items_plan["year"].astype(str) + " (" + items_plan["planned_basis"] + ")")
        items.append(table(items_plan, {"item_sv": ("Post", None), "planned_sek": ("Plan", fmt.kronor), "actual_sek": ("Utfall", fmt.kronor), "deviation_sek": ("Avvikelse", fmt.kronor), "deviation_pct": ("Avvikelse %", fmt.percent)}))
    forecast = budget.forecast_accuracy(fin)
    forecast = forecast[forecast["planned_sek"].notna() & forecast["actual_sek"].notna() & (forecast["year"] <= ctx.year)]
    if len(forecast):
        items.append(Markdown("**Prognossäkerhet: prognos under året mot utfall**"))
        forecast = forecast.assign(item_sv=labels.label_series(forecast["item"], "items") + " " + forecast["year"].astype(str))
        items.append(table(forecast, {"item_sv": ("Post", None), "planned_sek": ("Prognos", fmt.kronor), "actual_sek": ("Utfall", fmt.kronor), "deviation_sek": ("Prognosfel", fmt.kronor), "abs_pct_error": ("Absolut fel %", fmt.percent)}))
    if len(items) == 1:
        items += none_line("Ekonomisk ställning")
    return items


def survey_section(ctx: ReportContext) -> list[Item]:
    """NNS indicator survey: positive shares per question, by year."""
    items: list[Item] = [Markdown("## Indikatorenkät (NNS)")]
    survey = ctx.tables.indicator_survey
    if survey.empty:
        return items + none_line("Indikatorenkät")
    positive = survey[survey["measure"] == "positive_share"]
    wide = positive.pivot_table(index="indicator", columns="year", values="value", aggfunc="first").sort_index()
    wide = wide.map(lambda v: fmt.percent(v, 0))
    wide.columns = [f"Andel positiva {c}" for c in wide.columns]
    wide.index.name = "Fråga"
    items.append(wide)
    other = survey[survey["measure"] != "positive_share"]
    if len(other):
        other = other.assign(label=labels.label_series(other["measure"], "survey_measures") + " " + other["year"].astype(str))
        other["shown"] = [fmt.percent(v, 0) if u == "pct" else fmt.number(v) for v, u in zip(other["value"], other["unit"])]
        items.append(table(other, {"label": ("Uppgift", None), "shown": ("Värde", None)}))
    return items


def part_year_section(ctx: ReportContext) -> list[Item]:
    """Figures for part of the year (delårsrapport), apart from the full-year measures."""
    return delar.part_year_section(ctx.part_year, ctx.year, ctx.tables)


def data_quality(ctx: ReportContext) -> list[Item]:
    """The reconciliation of this förbund's documents and the sources with sections."""
    items: list[Item] = [Markdown("## Datakvalitet och källor")]
    results = ctx.findings
    checks = len(results)
    explained = results[results["status"] == "registered"]
    failing = results[~results["status"].isin(["ok", "registered"])]
    items.append(Markdown(f"{checks} kontroller av summor, identiteter och upprepade uppgifter i källdokumenten: {int((results['status'] == 'ok').sum())} stämmer, {len(explained)} avvikelser är kända och förklarade" + (f", **{len(failing)} är oförklarade**." if len(failing) else ".")))
    if len(explained):
        kind_sv = {"rounding": "avrundning", "material": "fel i dokumentet", "definition": "olika definitioner"}
        shown = explained.assign(kind_sv=explained["registered_kind"].map(kind_sv), diff=[fmt.number(v, 2 if abs(v) < 10 else 0) for v in explained["difference"]])
        shown = shown.sort_values(["document", "check_id"])
        items.append(table(shown, {"check_id": ("Kontroll", None), "document": ("Dokument", None), "diff": ("Differens", None), "kind_sv": ("Slag", None), "explanation": ("Förklaring (engelska)", None)}))
    items += delar.approximate_figures(ctx.tables, ctx.year)
    sources = ctx.tables.sources.sort_values("document")
    items.append(Markdown("**Källor**"))
    columns = {"title": ("Dokument", None), "document": ("Id", None), "date": ("Datum", None), "original_file": ("Fil", None), "sha256": ("SHA-256 (första 12)", lambda v: str(v)[:12])}
    if "url" in sources and sources["url"].map(lambda u: isinstance(u, str) and u.startswith("http")).any():
        columns["url"] = ("Adress", lambda u: u if isinstance(u, str) and u.startswith("http") else "")  # a web or press text
    items.append(table(sources, columns))
    sections = _sections(ctx)
    items.append(Markdown("Avsnitt i källdokumenten som siffrorna hämtats från: " + "; ".join(sections) + "."))
    return items


def _sections(ctx: ReportContext) -> list[str]:
    names = set()
    for table_name in ("financials", "member_contributions", "intervention_finance", "participants", "outcomes", "indicator_survey"):
        frame = ctx.tables.table(table_name)
        if len(frame):
            names.update(frame["section"].dropna().astype(str))
    return sorted(names)
