"""The sections of the per-förbund analysis document (what notebooks/forbund_report.ipynb calls).

Each section function takes a ReportContext and returns a list of items to show: Markdown
text, a table (a DataFrame of Swedish-formatted strings with Swedish headers) or a matplotlib
figure. A section without data returns its heading and one Swedish sentence saying so, never
an error. The notebook stays thin: one call per section, `show(...)` to display.

Content rules every section keeps (tests/test_document_content.py guards them):
- counts below the suppression threshold never reach a table, a chart or a sentence: they pass
  through document.suppression first, and every masked cell shows one symbol (×) explained by
  suppression.legend(); "–" means not applicable and ".." that the source gives no figure;
- a printed subtotal (kind `summa`) is never shown as an insats;
- curated text (names, titles, sections, explanations) enters Markdown through fmt.md, so it
  shows as typed and never as markup;
- derived figures are marked "≈", approximate ones (column `approx`) "ca".
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from finsam_analysis.data import reference
from finsam_analysis.document import delar, downloads, facts, fmt, labels, plots, provenance, quality, suppression
from finsam_analysis.document import summary as year_in_brief
from finsam_analysis.document.context import ReportContext, prepare  # noqa: F401 - the notebook's entry point
from finsam_analysis.document.facts import (
    insatser_only,
    whole_forbund_cost_per_participant,
    whole_year_table,
)
from finsam_analysis.document.items import (
    MASK,
    Item,
    Markdown,
    compact,
    heading,
    none_line,
    shown_symbols,
    table,
    uses_symbols,
)
from finsam_analysis.measures import budget, costs, funding, health, outcomes, participants, prices, trends

# ----------------------------------------------------------------------------- display

_SHOWN: list[tuple[str, pd.DataFrame]] = []  # (section heading, table) as displayed, for the downloads


def shown_tables() -> list[tuple[str, list[pd.DataFrame]]]:
    """The tables displayed so far in this kernel, grouped by their section heading."""
    out: dict[str, list[pd.DataFrame]] = {}
    for head, frame in _SHOWN:
        if frame is not None:
            out.setdefault(head, []).append(frame)
    return list(out.items())


def show(items: list[Item]) -> None:
    """Display section items in a notebook; figures are closed after display. Every table shown
    is remembered for the downloads (publish_downloads), under its section's heading."""
    from IPython.display import Image, display
    from IPython.display import Markdown as IPyMarkdown

    for item in items:
        if isinstance(item, Markdown):
            if item.startswith("# "):  # a new document: forget the tables of an earlier run
                _SHOWN.clear()
            if item.startswith("## "):
                _SHOWN.append((item[3:].strip(), None))
            display(IPyMarkdown(str(item)))
        elif isinstance(item, plt.Figure):
            # rendered explicitly: works with any backend, and the text output nbval compares
            # is a constant "<IPython.core.display.Image object>"
            display(Image(data=figure_png(item), format="png", alt=alt_text(item)))
            plt.close(item)
        else:
            item = compact(item)
            # whole tables and whole explanations: a report must not cut text with "..."
            with pd.option_context("display.max_colwidth", None, "display.max_rows", None, "display.max_columns", None):
                display(item)
            if isinstance(item, pd.DataFrame):
                head = next((h for h, f in reversed(_SHOWN) if f is None), "Tabeller")
                _SHOWN.append((head, item))


def alt_text(figure: plt.Figure) -> str:
    """The figure's alternative text: its title and the titles of its panels."""
    titles = [figure._suptitle.get_text()] if getattr(figure, "_suptitle", None) else []
    titles += [ax.get_title() for ax in figure.axes if ax.get_visible() and ax.get_title()]
    return "; ".join(titles) or "Diagram"


def figure_png(figure: plt.Figure) -> bytes:
    """The figure as PNG bytes: fixed DPI, no metadata (no timestamps, no software version).

    Drawn once into matplotlib's RGBA buffer, saved as RGB: the figures are opaque, so the
    alpha channel holds nothing; zlib level 3 compresses these flat-colour charts almost as
    well as the default level at a fraction of the time."""
    from PIL import Image as PILImage

    figure.savefig(io.BytesIO(), format="rgba", dpi=plots.DPI)
    rgba = np.asarray(figure.canvas.buffer_rgba())
    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB").save(
        buffer, format="png", compress_level=3, dpi=(plots.DPI, plots.DPI)
    )
    return buffer.getvalue()


def legend(ctx: ReportContext, items: list[Item]) -> Markdown:
    """The legend of the symbols the tables among `items` use."""
    shown = [s for i in items if isinstance(i, pd.DataFrame) for s in shown_symbols(i)]
    return Markdown(f"<small>{suppression.legend(ctx.threshold, shown)}</small>")


# ----------------------------------------------------------------------------- sections


def title(ctx: ReportContext) -> list[Item]:
    """Title, sources, provenance (date, data version, parameters) and the downloads."""

    sources = ctx.tables.sources.sort_values("document") if not ctx.tables.sources.empty else ctx.tables.sources
    docs = "; ".join(f"{fmt.md(t)} ({fmt.md(d)})" for t, d in zip(sources.get("title", []), sources.get("date", [])))
    defaults = [f"röjandegräns {ctx.threshold}", f"fasta priser i {ctx.base_year} års penningvärde (KPI)"]
    text = [
        f"# {fmt.md(ctx.name)}: analys av {ctx.year}",
        f"Underlag: {docs or 'inga källdokument'}.",
        f"<small>Skapad {provenance.generated_at()} · dataversion {ctx.data_version} · "
        f"parametrar: {', '.join(defaults)}{' (ej standard)' if non_default(ctx) else ''}. "
        "Belopp i kronor (kr) eller tusentals kronor (tkr); kostnader visas som positiva belopp där rubriken säger kostnad. "
        f"{suppression.legend(ctx.threshold)} ≈ = beräknat av oss ur tryckta andelar; ca = ungefärligt i källan.</small>",
        downloads.links(ctx),
    ]
    return [Markdown("\n\n".join(t for t in text if t))] + delar.base_year_sentence(ctx.year, ctx.base_year)


def non_default(ctx: ReportContext) -> bool:
    """Whether the document was made with other parameters than the defaults."""
    p = ctx.parameters
    return p.get("suppression_threshold", suppression.DEFAULT_THRESHOLD) != suppression.DEFAULT_THRESHOLD or p.get(
        "base_year"
    ) not in (None, ctx.year)


def at_a_glance(ctx: ReportContext) -> list[Item]:
    """Året i korthet: key figures with the previous year and the change, and generated sentences."""

    return year_in_brief.section(ctx)


def summary(ctx: ReportContext) -> list[Item]:  # the earlier name of the section
    return at_a_glance(ctx)


def definitions(ctx: ReportContext) -> list[Item]:
    """Where figures are not comparable: definitions, generated from the data and the findings."""

    return quality.definitions_section(ctx)


def member_funding(ctx: ReportContext) -> list[Item]:
    """Contributions per member kind vs the law's 1/2, 1/4, 1/4, and the kommun split."""
    items: list[Item] = [heading("Finansiering från medlemmarna")]
    mc = ctx.mc
    if mc.empty:
        return items + none_line("Medlemsbidrag per medlem")
    shares = funding.funding_shares(mc)
    shares = shares[shares["year"] == ctx.year]
    if shares.empty:
        return items + [Markdown(f"*Medlemsbidrag per medlem saknas för {ctx.year}.*")]
    items.append(
        Markdown(
            "Enligt lagen (2003:1210) 5 § betalar staten hälften, regionen en fjärdedel och kommunerna tillsammans en fjärdedel."
        )
    )
    shares = shares.assign(kind_sv=labels.label_series(shares["member_kind"], "member_kinds"))
    items.append(
        table(
            shares,
            {
                "kind_sv": ("Medlem", None),
                "value_sek": ("Bidrag", fmt.kronor),
                "share_pct": ("Andel", lambda v: fmt.percent(v, 2)),
                "law_share_pct": ("Enligt lag", lambda v: fmt.percent(v, 0)),
                "deviation_pp": ("Avvikelse (procentenheter)", lambda v: fmt.number(v, 3)),
            },
        )
    )
    split = funding.kommun_split(mc)
    split = split[split["year"] == ctx.year]
    if len(split):
        items.append(Markdown("Kommunernas fördelning (enligt förbundsordningen):"))
        items.append(
            table(
                split,
                {
                    "member": ("Kommun", None),
                    "value_sek": ("Bidrag", fmt.kronor),
                    "share_of_total_pct": ("Andel av alla medlemsbidrag", lambda v: fmt.percent(v, 1)),
                    "share_of_kommun_part_pct": ("Andel av kommunernas del", lambda v: fmt.percent(v, 1)),
                    "printed_share_pct": ("Tryckt andel", lambda v: fmt.percent(v, 0, missing=suppression.MISSING)),
                },
            )
        )
    return items


TREND_ITEMS = (
    # item, sign (costs shown as positive amounts), show changes in per cent
    ("member_contribution_total", 1, True),
    ("operating_income", 1, True),
    ("operating_costs", -1, True),
    ("net_result", 1, False),
    ("equity", 1, True),
)


def trend_section(ctx: ReportContext) -> list[Item]:
    """Intäkter, kostnader, resultat, eget kapital and contributions over the years, with charts."""
    items: list[Item] = [heading("Utveckling över tid")]
    if ctx.fin.empty:
        return items + none_line("Flerårsöversikt")
    kpi = reference.load_kpi()
    fixed = prices.fixed_column("value_sek")
    wide = None
    rows = []
    for item, sign, with_change in TREND_ITEMS:
        series = facts.item_series(ctx, item)
        series = series[series["year"] <= ctx.year][["forbund", "year", "value_sek"]]
        if series.empty:
            continue
        series = series.assign(value_sek=series["value_sek"] * sign)
        frame = series.rename(columns={"value_sek": item})[["year", item]]
        wide = frame if wide is None else wide.merge(frame, on="year", how="outer")
        rows.append((item, sign, with_change, series))
    if wide is None:
        return items + none_line("Flerårsöversikt")
    wide = wide.sort_values("year").reset_index(drop=True)
    names = {item: labels.label("items", item) for item, sign, _, _ in rows}
    shown = wide.assign(year=wide["year"].astype(int).astype(str))
    display = pd.DataFrame({"År": shown["year"]})
    for item, *_ in rows:
        display[names[item]] = [fmt.tkr(v, missing=suppression.MISSING) for v in wide[item]]
    items.append(
        Markdown(
            "Belopp i tkr, löpande priser, så som de tryckts i årsredovisningarnas flerårsöversikter och räkenskaper. Kostnader visas som positiva belopp."
        )
    )
    by_year = display.set_index("År").T
    by_year.columns.name, by_year.index.name = None, "Post"
    items.append(by_year)
    panels = {item: names[item] for item, *_ in rows if item != "member_contribution_total"}
    if wide[list(panels)].isna().any().any():
        items.append(
            Markdown(
                "<small>.. = uppgift saknas i källan; ett år utan stapel i diagrammet saknar uppgift (det är inte noll).</small>"
            )
        )
    items.append(
        plots.amount_trends(
            wide,
            "year",
            panels,
            f"Intäkter, kostnader, resultat och eget kapital {int(wide['year'].min())}–{ctx.year}"
            if len(wide) > 1
            else f"Intäkter, kostnader, resultat och eget kapital {ctx.year}",
        )
    )
    # contributions in fixed prices: the real development the members pay for
    contrib = next((s for item, _, _, s in rows if item == "member_contribution_total"), None)
    if contrib is not None and len(contrib) >= 2:
        real = trends.nominal_and_real(contrib, kpi, ctx.base_year, missing="nan")  # a year without KPI: nominal only
        items.append(
            Markdown(
                f"**Medlemsbidrag i löpande och fasta priser** (tkr; fasta priser i {ctx.base_year} års penningvärde enligt KPI)"
            )
        )
        items.append(
            table(
                real,
                {
                    "year": ("År", str),
                    "value_sek": ("Löpande priser", fmt.tkr),
                    fixed: ("Fasta priser", fmt.tkr),
                    "change_pct": ("Förändring", fmt.percent),
                    "real_change_pct": ("Real förändring", fmt.percent),
                },
            )
        )
        if real["year"].nunique() >= plots.MIN_TREND_POINTS:
            items.append(
                plots.line_trend(
                    real,
                    "year",
                    {"value_sek": "Löpande priser", fixed: f"Fasta priser ({ctx.base_year})"},
                    "Medlemsbidrag i löpande och fasta priser",
                    "tkr",
                )
            )
        nominal = trends.cagr(real[["forbund", "year", "value_sek"]])
        in_fixed = trends.cagr(real[["forbund", "year", fixed]].rename(columns={fixed: "value_sek"}))
        if len(nominal) and pd.notna(nominal["cagr_pct"].iloc[0]):
            g, r = nominal.iloc[0], in_fixed.iloc[0]
            items.append(
                Markdown(
                    f"Medlemsbidragen förändrades med i genomsnitt {fmt.percent(g['cagr_pct'])} per år {int(g['start_year'])}–{int(g['end_year'])} i löpande priser och {fmt.percent(r['cagr_pct'])} per år i fasta priser."
                )
            )
        items += delar.uncovered_sentence(prices.uncovered_years(contrib, kpi), ctx.base_year)
    return items


def part_year_section(ctx: ReportContext) -> list[Item]:
    """Figures for part of the year (delårsrapport), apart from the full-year measures."""
    return delar.part_year_section(ctx.part_year, ctx.year, ctx.tables)


def cost_structure_section(ctx: ReportContext) -> list[Item]:
    """Share of costs to individual and structural insatser and administration."""
    items: list[Item] = [heading("Kostnadsstruktur")]
    finance = whole_year_table(ctx, "intervention_finance")
    if finance.empty or ctx.tables.interventions.empty:
        return items + none_line("Kostnader per insats")
    structure = costs.cost_structure(finance, ctx.tables.interventions)
    if structure.empty:
        return items + none_line("Kostnader per insats")
    structure = structure.assign(kind_sv=labels.label_series(structure["kind"], "intervention_kinds"))
    this_year = structure[structure["year"] == ctx.year]
    if len(this_year):
        items.append(
            table(
                this_year,
                {
                    "kind_sv": ("Slag av insats", None),
                    "value_sek": ("Kostnad", lambda v: fmt.kronor(abs(v))),
                    "share_pct": ("Andel", fmt.percent),
                },
            )
        )
    admin = costs.admin_share(structure)
    admin = admin[admin["year"] == ctx.year]
    if len(admin) and pd.notna(admin["admin_share_pct"].iloc[0]):
        items.append(
            Markdown(
                f"Administrationens andel av kostnaderna {ctx.year}: {fmt.percent(admin['admin_share_pct'].iloc[0])}. Slaget av varje insats är vår läsning av dokumentet; förbunden bokför administration olika."
            )
        )
    items.append(
        plots.stacked_shares(
            structure,
            "year",
            "kind",
            "share_pct",
            {k: v for k, v in labels.labels("intervention_kinds").items() if k != "summa"},
            "Kostnadernas fördelning per slag av insats",
        )
    )
    return items


PER_PARTICIPANT_DEFINITION = (
    "Kostnad per deltagare = kostnad (utfall) / antal deltagare som var aktuella under året "
    "(alla som deltog någon gång under året, även de som började året innan). Budget divideras "
    "aldrig med faktiska deltagare. En person som bytt insats under året kan räknas i två insatser."
)


def cost_per_participant_section(ctx: ReportContext) -> list[Item]:
    """Cost per participant for the förbund as a whole and per insats, with the definition."""
    items: list[Item] = [heading("Kostnad per deltagare")]
    whole = whole_forbund_cost_per_participant(ctx)
    finance, parts = whole_year_table(ctx, "intervention_finance"), ctx.parts
    if whole is not None and whole["participants"] >= ctx.threshold:
        items.append(
            Markdown(
                f"**Förbundet som helhet {ctx.year}:** individinriktade insatser kostade {fmt.kronor(whole['cost_sek'])} "
                f"och {fmt.number(whole['participants'])} deltagare var aktuella under året: "
                f"**≈ {fmt.kronor(whole['per_participant_sek'])} per deltagare**. "
                f"Insatserna som ingår: {fmt.md(', '.join(whole['insatser']))}. Deltagarantalet är förbundets totala antal aktuella "
                "deltagare enligt årsredovisningen; omfattar det även deltagare i projekt, eller ingår insatser utan egen deltagarräkning "
                "i kostnaden, är kvoten en uppskattning (≈)."
            )
        )
    rows = []
    if not finance.empty and not parts.empty:
        for measure in ("active", "started"):
            try:
                result = costs.cost_per_participant(
                    finance[finance["basis"] == "utfall"], parts, participant_measure=measure
                )
            except Exception:  # a measure that cannot be computed is left out, the definition says which
                continue
            result = result[
                (result["year"] == ctx.year)
                & result["cost_per_participant_sek"].notna()
                & (result["intervention"] != "*")
            ]
            rows.append(insatser_only(result, ctx.tables.interventions))
    data = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if whole is None and data.empty:
        return items + [
            Markdown(
                f"*Kostnad per deltagare kan inte beräknas för {ctx.year}: källdokumenten ger inte både kostnad och antal aktuella deltagare.*"
            )
        ]
    if len(data):
        data = data.assign(
            definition=labels.label_series(data["participant_measure"], "participant_measures"),
            count=data["participants"],
        )
        data = suppression.suppress_small_counts(data, ctx.threshold, part=None)
        data["cost_shown"] = [
            (MASK if hidden else fmt.kronor(v))
            for hidden, v in zip(data["suppressed"], data["cost_per_participant_sek"])
        ]
        items.append(Markdown(f"**Per insats {ctx.year}** (där dokumentet ger både kostnad och antal deltagare):"))
        items.append(
            table(
                data,
                {
                    "intervention": ("Insats", None),
                    "definition": ("Deltagare", None),
                    "count_display": ("Antal", None),
                    "cost_sek": ("Kostnad", lambda v: fmt.kronor(abs(v))),
                    "cost_shown": ("Kostnad per deltagare", None),
                },
            )
        )
        if data["suppressed"].any():
            items.append(legend(ctx, items))
    items.append(Markdown(PER_PARTICIPANT_DEFINITION))
    return items


def _count_text(count: float, source: str | None, approx: bool = False) -> str:
    text = fmt.number(count, missing=suppression.MISSING)
    if source and "derived" in str(source) and text != suppression.MISSING:
        return f"≈ {text}"
    return fmt.approx(text) if approx else text


def participants_section(ctx: ReportContext) -> list[Item]:
    """Participants by gender per insats (masked where small)."""
    items: list[Item] = [heading("Deltagare efter kön")]
    parts = ctx.parts
    if parts.empty:
        return items + none_line("Deltagare per kön")
    parts = parts[
        (parts["year"] == ctx.year) & parts["measure"].isin(["active", "started", "exited"]) & (parts["group"] == "*")
    ]
    parts = parts[
        (parts["intervention"] == "*")
        | parts["intervention"].isin(set(insatser_only(parts, ctx.tables.interventions)["intervention"]))
        | ~parts["intervention"].isin(set(ctx.tables.interventions.get("intervention", [])))
    ]
    if parts.empty:
        return items + none_line("Deltagare per kön")
    split = participants.gender_split(parts)
    split = suppression.suppress_small_counts(split, ctx.threshold, count="count", part="gender")
    split["count_display"] = [
        d if s else _count_text(c, src)
        for d, s, c, src in zip(
            split["count_display"], split["suppressed"], split["count"], split.get("source", [None] * len(split))
        )
    ]
    split = split.assign(
        label=labels.place_series(split["intervention"])
        + " – "
        + labels.label_series(split["measure"], "participant_measures"),
        gender_sv=labels.label_series(split["gender"], "genders"),
    )
    shown = split[split["gender"] != "total"]
    order = [g for g in labels.labels("genders").values() if g in set(shown["gender_sv"])]
    wide = shown.pivot_table(index="label", columns="gender_sv", values="count_display", aggfunc="first", sort=False)
    wide = wide[[g for g in order if g in wide.columns]]
    share = shown.pivot_table(
        index="label", columns="gender_sv", values="share_pct_display", aggfunc="first", sort=False
    )
    share = share[[g for g in order if g in share.columns]]
    totals = split[split["gender"] == "total"].set_index("label")["count_display"]
    display = wide.join(share.add_suffix(" (andel)")).join(totals.rename("Totalt"))
    display.index.name, display.columns.name = "Insats – deltagare", None
    display = display.fillna(suppression.NOT_APPLICABLE)
    items.append(display)
    derived = "source" in split.columns and split["source"].astype(str).str.contains("derived").any()
    notes = [suppression.legend(ctx.threshold, shown_symbols(display))] if uses_symbols(display) else []
    if (display == suppression.NOT_APPLICABLE).any().any():
        notes.append("– i en könskolumn: källan redovisar inte den uppdelningen för raden.")
    if derived:
        notes.append(
            "≈ = antalet är beräknat av oss ur en tryckt andel och det tryckta totalantalet; det exakta antalet kan avvika med några personer."
        )
    if notes:
        items.append(Markdown("<small>" + " ".join(notes) + "</small>"))
    items += _participants_by_kommun(ctx)
    plot_data = suppression.masked(shown).assign(label=shown["label"])
    plot_data = plot_data[plot_data["measure"] == "active"]
    if len(plot_data):
        items.append(
            plots.gender_bars(
                plot_data,
                "label",
                f"Aktuella deltagare {ctx.year} efter kön",
                threshold=ctx.threshold,
                derived="source",
            )
        )
    return items


def _participants_by_kommun(ctx: ReportContext) -> list[Item]:
    """Active participants per kommun and gender, masked along both kommun and gender."""
    parts = ctx.parts
    parts = parts[
        (parts["year"] == ctx.year)
        & (parts["measure"] == "active")
        & (parts["unit"] == "count")
        & (parts["intervention"] == "*")
    ]
    if not (parts["group"] != "*").any():
        return []
    split = participants.gender_split(parts)
    split = suppression.suppress_small_counts(split, ctx.threshold, count="count", part=("gender", "group"))
    split = split.assign(
        gender_sv=labels.label_series(split["gender"], "genders"), kommun=labels.place_series(split["group"])
    )
    wide = split.pivot_table(index="kommun", columns="gender_sv", values="count_display", aggfunc="first", sort=False)
    wide = wide[[g for g in labels.labels("genders").values() if g in wide.columns]]
    wide.index.name, wide.columns.name = "Kommun", None
    return [Markdown(f"Aktuella deltagare {ctx.year} per kommun och kön:"), wide.fillna(suppression.MISSING)]


def outcomes_section(ctx: ReportContext) -> list[Item]:
    """Outcomes with their base stated (exited vs all participants), masked across breakdowns."""
    items: list[Item] = [heading("Resultat för deltagarna")]
    out = ctx.outs
    if out.empty:
        return items + none_line("Avslut och resultat")
    out = out[out["year"] == ctx.year]
    if out.empty:
        return items + none_line(f"Avslut och resultat {ctx.year}")
    rates = outcomes.outcome_rates(out, ctx.parts)
    rates = suppression.suppress_outcomes(rates, ctx.threshold)
    derived = (
        rates["source"].astype(str).str.contains("pct")
        if "source" in rates.columns
        else pd.Series(False, index=rates.index)
    )
    rates["count_display"] = [
        d if s else (f"≈ {d}" if der and d not in (suppression.MISSING,) else d)
        for d, s, der in zip(rates["count_display"], rates["suppressed"], derived)
    ]
    rates["rate_pct_display"] = [
        d if s else (suppression.NOT_APPLICABLE if d == suppression.MISSING else d)
        for d, s in zip(rates["rate_pct_display"], rates["suppressed"])
    ]
    rates = rates.assign(
        outcome_sv=labels.label_series(rates["outcome"], "outcomes"),
        base_sv=rates["base"].map(labels.labels("participant_measures")).fillna("ingen bas angiven"),
    )
    rates["label"] = labels.place_series(rates["intervention"]) + " – " + rates["outcome_sv"]
    columns = {"label": ("Insats – utfall", None)}
    if (rates["gender"] != "total").any():
        rates = rates.assign(gender_sv=labels.label_series(rates["gender"], "genders"))
        columns["gender_sv"] = ("Kön", None)
    columns.update(
        {
            "count_display": ("Antal", None),
            "rate_pct_display": ("Andel", None),
            "base_sv": ("Andel av", None),
            "base_count_display": ("Basens antal", None),
        }
    )
    shown = table(rates, columns)
    items.append(shown)
    notes = ([suppression.legend(ctx.threshold, shown_symbols(shown))] if uses_symbols(shown) else []) + [
        "Andelen avser den bas som anges (t.ex. andel av avslutade deltagare, inte av alla aktuella)."
    ]
    if (rates["base_sv"] == "ingen bas angiven").any():
        notes.append("Där källan inte anger någon bas kan ingen andel beräknas (–).")
    if derived.any():
        notes.append(
            "≈ = antalet är beräknat av oss ur den tryckta andelen och basen; summan av sådana antal kan avvika något från basen."
        )
    items.append(Markdown("<small>" + " ".join(notes) + "</small>"))
    return items


def financial_health(ctx: ReportContext) -> list[Item]:
    """Result, balanskrav, equity vs the guideline."""
    items: list[Item] = [heading("Ekonomisk ställning")]
    fin = ctx.fin
    if fin.empty:
        return items + none_line("Räkenskaper")
    balance = health.balance_requirement(fin)
    balance = balance[balance["year"] <= ctx.year].tail(6)
    if len(balance):
        balance = balance.assign(
            met=balance["requirement_met"].map({True: "Ja", False: "Nej"}).fillna(suppression.MISSING)
        )
        items.append(
            table(
                balance,
                {
                    "year": ("År", str),
                    "net_result_sek": ("Årets resultat", fmt.kronor),
                    "balance_requirement_result_sek": ("Balanskravsresultat", fmt.kronor),
                    "met": ("Balanskravet uppfyllt", None),
                },
            )
        )
        items.append(
            Markdown(
                "Balanskravsresultat = årets resultat − realisationsvinster ± orealiserade vinster och förluster i värdepapper. Ett planerat underskott för att använda eget kapital är ett beslut, inte ett misslyckande."
            )
        )
    guide = facts.equity_guideline(ctx)
    guide = guide[guide["equity_sek"].notna() & guide["cap_sek"].notna() & (guide["year"] <= ctx.year)]
    if len(guide):
        items.append(
            Markdown(
                "**Eget kapital mot Nationella rådets rekommendation:** högst 20 % av de första 7 mnkr i medlemsbidrag, 15 % av delen 7–15 mnkr och 10 % därutöver."
            )
        )
        items.append(
            table(
                guide,
                {
                    "year": ("År", str),
                    "contributions_sek": ("Medlemsbidrag", fmt.kronor),
                    "equity_sek": ("Eget kapital", fmt.kronor),
                    "cap_sek": ("Riktvärde (högst)", fmt.kronor),
                    "equity_pct_of_contributions": ("Eget kapital i % av bidragen", fmt.percent),
                    "excess_sek": ("Över (+) eller under (−) riktvärdet", lambda v: fmt.signed(v)),
                },
            )
        )
        items.append(
            plots.equity_vs_cap(guide, "year", "equity_sek", "cap_sek", "Eget kapital mot Nationella rådets riktvärde")
        )
    if len(items) == 1:
        items += none_line("Ekonomisk ställning")
    return items


def budget_section(ctx: ReportContext) -> list[Item]:
    """Budget and forecast against outcome: per insats (no subtotals), per item, forecast accuracy,
    and the registered differences between plan and outcome (not data errors)."""
    items: list[Item] = [heading("Budget och utfall")]
    items += _budget_per_insats(ctx)
    if not ctx.fin.empty:
        items += _plan_vs_outcome_items(ctx) + _forecast_accuracy(ctx)
    items += quality.plan_differences(ctx)
    if len(items) == 1:
        items += none_line("Budget och prognos")
    return items


def _budget_per_insats(ctx: ReportContext) -> list[Item]:
    """The latest year with both budget and outcome per insats: table, sum and chart."""
    items: list[Item] = []
    finance = whole_year_table(ctx, "intervention_finance")
    if not finance.empty:
        plan = budget.budget_vs_outcome(finance, measures=("cost",))
        plan = plan[(plan["year"] <= ctx.year) & plan["planned_sek"].notna() & plan["actual_sek"].notna()]
        plan = insatser_only(plan, ctx.tables.interventions).reset_index(drop=True)
        year = int(plan["year"].max()) if len(plan) else ctx.year
        plan = plan[plan["year"] == year].reset_index(drop=True)
        if len(plan):
            later = (
                ""
                if year == ctx.year
                else f" (senaste år med både budget och utfall per insats; för {ctx.year} saknas budget per insats)"
            )
            items.append(Markdown(f"**Budget och utfall per insats {year} (kostnader)**{later}"))
            total = pd.DataFrame(
                [
                    {
                        "intervention": "Summa, alla insatser ovan",
                        "planned_sek": plan["planned_sek"].sum(),
                        "actual_sek": plan["actual_sek"].sum(),
                        "deviation_sek": plan["deviation_sek"].sum(),
                    }
                ]
            )
            total["deviation_pct"] = total["deviation_sek"] / total["planned_sek"].abs() * 100
            shown = pd.concat([plan, total], ignore_index=True)
            items.append(
                table(
                    shown,
                    {
                        "intervention": ("Insats", None),
                        "planned_sek": ("Budget", lambda v: fmt.kronor(abs(v))),
                        "actual_sek": ("Utfall", lambda v: fmt.kronor(abs(v))),
                        "deviation_sek": ("Avvikelse (+ = lägre kostnad)", lambda v: fmt.signed(v)),
                        "deviation_pct": ("Avvikelse i % av budget", lambda v: fmt.signed(v, 1, "%")),
                    },
                )
            )
            chart = plan.assign(budget=plan["planned_sek"].abs(), outcome=plan["actual_sek"].abs())
            items.append(
                plots.budget_vs_outcome(
                    chart, "intervention", "budget", "outcome", f"Budget och utfall per insats {year}"
                )
            )
    return items


def _plan_vs_outcome_items(ctx: ReportContext) -> list[Item]:
    """Budget and forecast against outcome for the income statement's items."""
    items: list[Item] = []
    items_plan = budget.budget_vs_outcome_items(ctx.fin)
    items_plan = items_plan[items_plan["planned_sek"].notna() & items_plan["actual_sek"].notna()]
    if len(items_plan):
        items.append(Markdown("**Budget och prognos mot utfall (resultaträkningens poster)**"))
        basis_sv = (
            items_plan["planned_basis"]
            .map(labels.labels("bases") if labels.labels("bases") else {})
            .fillna(items_plan["planned_basis"])
        )
        items_plan = items_plan.assign(
            item_sv=labels.label_series(items_plan["item"], "items")
            + " "
            + items_plan["year"].astype(str)
            + " ("
            + basis_sv
            + ")"
        )
        # a percentage of a negative or sign-changing plan says nothing: only for same-sign amounts
        pct = [
            fmt.signed(d, 1, "%")
            if item != "net_result" and ((p > 0 and a > 0) or (p < 0 and a < 0))
            else suppression.NOT_APPLICABLE
            for d, p, a, item in zip(
                items_plan["deviation_pct"], items_plan["planned_sek"], items_plan["actual_sek"], items_plan["item"]
            )
        ]
        items_plan = items_plan.assign(pct=pct)
        items.append(
            table(
                items_plan,
                {
                    "item_sv": ("Post", None),
                    "planned_sek": ("Plan", fmt.kronor),
                    "actual_sek": ("Utfall", fmt.kronor),
                    "deviation_sek": ("Utfall − plan", lambda v: fmt.signed(v)),
                    "pct": ("i % av planen", None),
                },
            )
        )
        items.append(
            Markdown(
                "<small>– = en procentuell avvikelse är inte meningsfull när planen och utfallet har olika tecken eller planen är ett underskott.</small>"
            )
        )
    return items


def _forecast_accuracy(ctx: ReportContext) -> list[Item]:
    """A forecast made during the year against the outcome."""
    items: list[Item] = []
    forecast = budget.forecast_accuracy(ctx.fin)
    forecast = forecast[
        forecast["planned_sek"].notna() & forecast["actual_sek"].notna() & (forecast["year"] <= ctx.year)
    ]
    if len(forecast):
        items.append(Markdown("**Prognossäkerhet: prognos under året mot utfall**"))
        forecast = forecast.assign(
            item_sv=labels.label_series(forecast["item"], "items") + " " + forecast["year"].astype(str)
        )
        items.append(
            table(
                forecast,
                {
                    "item_sv": ("Post", None),
                    "planned_sek": ("Prognos", fmt.kronor),
                    "actual_sek": ("Utfall", fmt.kronor),
                    "deviation_sek": ("Prognosfel", fmt.kronor),
                    "abs_pct_error": ("Absolut fel %", fmt.percent),
                },
            )
        )
    return items


def survey_section(ctx: ReportContext) -> list[Item]:
    """NNS indicator survey: positive shares per question, respondents masked like any count."""
    items: list[Item] = [heading("Indikatorenkät (NNS)")]
    survey = whole_year_table(ctx, "indicator_survey")
    if survey.empty:
        return items + none_line("Indikatorenkät")
    respondents = survey[(survey["measure"] == "respondents")]
    small_years = set(respondents.loc[respondents["value"].between(0, ctx.threshold, inclusive="neither"), "year"])
    positive = survey[survey["measure"] == "positive_share"]
    if len(positive):
        wide = positive.pivot_table(index="indicator", columns="year", values="value", aggfunc="first").sort_index()
        for year in wide.columns:
            wide[year] = [
                MASK if year in small_years else fmt.percent(v, 0, missing=suppression.MISSING) for v in wide[year]
            ]
        wide.columns = [f"Andel positiva {c}" for c in wide.columns]
        wide.index.name = "Fråga"
        items.append(wide)
    other = survey[survey["measure"] != "positive_share"]
    if len(other):
        other = other.assign(
            label=labels.label_series(other["measure"], "survey_measures") + " " + other["year"].astype(str)
        )
        counts = other.assign(count=other["value"].where(other["unit"] == "count"))
        masked = suppression.suppress_small_counts(counts, ctx.threshold, part=None)
        other = other.assign(
            shown=[
                MASK
                if (s and u == "count") or (y in small_years and u == "pct")
                else (fmt.percent(v, 0) if u == "pct" else fmt.number(v))
                for v, u, s, y in zip(masked["value"], masked["unit"], masked["suppressed"], masked["year"])
            ]
        )
        items.append(table(other, {"label": ("Uppgift", None), "shown": ("Värde", None)}))
    if small_years:
        items.append(legend(ctx, items))
    return items


def data_quality(ctx: ReportContext) -> list[Item]:
    """Datakvalitet: the reconciliation of the source documents, in Swedish, material findings first."""

    return quality.section(ctx) + delar.approximate_figures(ctx.tables, ctx.year)


def publish_downloads(ctx: ReportContext) -> None:
    """Write the tables shown in this kernel as .xlsx and CSV, where the report runner asks for
    them (environment FINSAM_DOWNLOAD_XLSX / FINSAM_DOWNLOAD_ZIP); nothing when run by hand."""

    downloads.publish(ctx, shown_tables() or section_tables(ctx))


def appendix(ctx: ReportContext) -> list[Item]:
    """Bilaga: every registered finding and the sources, for the controller."""

    return quality.appendix(ctx)


SECTIONS = (
    title,
    at_a_glance,
    definitions,
    trend_section,
    part_year_section,
    member_funding,
    cost_structure_section,
    cost_per_participant_section,
    participants_section,
    outcomes_section,
    financial_health,
    budget_section,
    survey_section,
    data_quality,
    appendix,
)


def all_items(ctx: ReportContext) -> list[tuple[str, list[Item]]]:
    """Every section's items in document order, with the section's function name."""
    return [(section.__name__, section(ctx)) for section in SECTIONS]


def section_tables(ctx: ReportContext) -> list[tuple[str, list[pd.DataFrame]]]:
    """(section heading, its tables) for every section that shows a table, in document order:
    what the downloads hold when no table was displayed in this kernel."""
    out = []
    for name, items in all_items(ctx):
        for item in items:
            if isinstance(item, plt.Figure):
                plt.close(item)
        tables = [i for i in items if isinstance(i, pd.DataFrame)]
        if tables:
            head = next((str(i)[3:].strip() for i in items if isinstance(i, Markdown) and i.startswith("## ")), name)
            out.append((head, tables))
    return out
