"""Året i korthet: the key figures with the previous year and the change, and 3–6 sentences.

Everything here is generated from the measures and the registered findings; nothing is typed
per förbund. A figure the documents do not give is left out (the row, or the sentence), never
shown as zero.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.document import delar, fmt, labels, quality, suppression
from finsam_analysis.document.facts import (
    active_participants,
    approx_word,
    contributions,
    guideline,
    item_value,
    whole_forbund_cost_per_participant,
)
from finsam_analysis.document.items import Markdown, heading
from finsam_analysis.measures import funding, health, participants

# item, sign (costs as positive amounts), whether a change in per cent means something
KEY_ITEMS = (
    ("member_contribution_total", 1, True),
    ("operating_income", 1, True),
    ("operating_costs", -1, True),
    ("net_result", 1, False),
    ("equity", 1, True),
)


def _row(
    name: str, prev: float | None, cur: float | None, kind: str = "kr", with_pct: bool = True, approx: str | None = None
) -> dict | None:
    if cur is None:
        return None
    show = {"kr": fmt.kronor, "pct": fmt.percent, "count": fmt.number}[kind]
    unit = {"kr": "kr", "pct": "procentenheter", "count": ""}[kind]
    change = None if prev is None else cur - prev
    pct = None
    if with_pct and prev is not None and prev > 0 and cur >= 0 and kind != "pct":
        pct = change / prev * 100
    cur_text = show(cur)
    return {
        "Nyckeltal": name,
        "prev": show(prev, missing=suppression.MISSING) if prev is not None else suppression.MISSING,
        "cur": f"{'ca' if approx in ('True', 'true', True) else approx} {cur_text}" if approx else cur_text,
        "Förändring": fmt.signed(change, 1 if kind == "pct" else 0, unit)
        if change is not None
        else suppression.NOT_APPLICABLE,
        "Förändring %": fmt.signed(pct, 1, "%") if pct is not None else suppression.NOT_APPLICABLE,
    }


def key_figures(ctx) -> pd.DataFrame:
    """The key figure table: one row per figure the documents give for the report year."""

    y, p = ctx.year, ctx.year - 1
    rows = []
    for item, sign, with_pct in KEY_ITEMS:
        if item == "member_contribution_total":
            cur, prev = contributions(ctx, y), contributions(ctx, p)
        else:
            cur, prev = item_value(ctx, item, y), item_value(ctx, item, p)
        name = labels.label("items", item)
        row = _row(name, None if prev is None else prev * sign, None if cur is None else cur * sign, "kr", with_pct)
        if row is not None:
            # approximate or printed in millions: as printed ("ca 7,5 mnkr"), never a false exact kronor figure
            for key, year, value in (("cur", y, cur), ("prev", p, prev)):
                if value is not None and not ctx.fin.empty:
                    printed = delar.shown_amount(ctx.fin, item, year, value)
                    if printed != fmt.kronor(value):
                        row[key] = printed.lstrip("-\u2212") if sign < 0 else printed
        rows.append(row)
    if not ctx.fin.empty:
        ratio = health.equity_ratio(ctx.fin).set_index("year")["equity_ratio_pct"]
        get = lambda year: float(ratio[year]) if year in ratio.index and pd.notna(ratio[year]) else None  # noqa: E731
        rows.append(_row("Soliditet", get(p), get(y), "pct", False))
    active = active_participants(ctx, y)
    if active is not None and active >= ctx.threshold:
        prev = active_participants(ctx, p)
        row = _row(
            "Aktuella deltagare under året", prev if prev and prev >= ctx.threshold else None, active, "count", True
        )
        parts = ctx.parts
        own = parts[
            (parts["year"] == y)
            & (parts["intervention"] == "*")
            & (parts["group"] == "*")
            & (parts["measure"] == "active")
            & (parts["gender"] == "total")
        ]
        word = approx_word(own)
        if word:  # "drygt 260", as the source prints it
            row["cur"] = delar.as_printed(active, "count", word)
        rows.append(row)
    whole = whole_forbund_cost_per_participant(ctx)
    if whole is not None and whole["participants"] >= ctx.threshold:
        row = _row("Kostnad per deltagare, individinriktade insatser", None, whole["per_participant_sek"], "kr", False)
        row["cur"] = "≈ " + row["cur"]
        rows.append(row)
    rows = [r for r in rows if r]
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows).rename(columns={"prev": str(p), "cur": str(y)})
    return out.set_index("Nyckeltal")


def sentences(ctx) -> list[str]:
    """3–6 sentences on the year, each from a measure; a sentence whose figures are missing is left out."""

    y = ctx.year
    out: list[str] = []
    if not ctx.fin.empty:
        balance = health.balance_requirement(ctx.fin)
        row = balance[balance["year"] == y]
        if len(row) and pd.notna(row["net_result_sek"].iloc[0]):
            r = row.iloc[0]
            prev = balance[balance["year"] == y - 1]
            before = (
                f" (föregående år {fmt.kronor(prev['net_result_sek'].iloc[0])})"
                if len(prev) and pd.notna(prev["net_result_sek"].iloc[0])
                else ""
            )
            met = r.get("requirement_met")
            req = ""
            if pd.notna(r.get("balance_requirement_result_sek")):
                req = f"; balanskravsresultatet är {fmt.kronor(r['balance_requirement_result_sek'])} och balanskravet är {'uppfyllt' if met else 'inte uppfyllt'}"
            word = (
                "ett överskott"
                if r["net_result_sek"] > 0
                else ("ett underskott" if r["net_result_sek"] < 0 else "ett nollresultat")
            )
            out.append(f"Året gav {word} på {fmt.kronor(abs(r['net_result_sek']))}{before}{req}.")
    guide = guideline(ctx)
    if len(guide) and pd.notna(guide["cap_sek"].iloc[0]):
        g = guide.iloc[0]
        over = g["excess_sek"]
        where = (
            f"{fmt.kronor(abs(over))} {'över' if over > 0 else 'under'} riktvärdet"
            if pd.notna(over) and over != 0
            else "i nivå med riktvärdet"
        )
        out.append(
            f"Eget kapital är {fmt.kronor(g['equity_sek'])}, {fmt.percent(g['equity_pct_of_contributions'])} av medlemsbidragen: {where} enligt Nationella rådets rekommendation (högst {fmt.kronor(g['cap_sek'])})."
        )
    if not ctx.mc.empty:
        shares = funding.funding_shares(ctx.mc)
        shares = shares[shares["year"] == y]
        if len(shares) >= 2:
            kinds = dict(zip(shares["member_kind"], shares["share_pct"]))
            parts = [f"{labels.label('member_kinds', k).lower()} {fmt.percent(v, 1)}" for k, v in kinds.items()]
            worst = shares["deviation_pp"].abs().max()
            verdict = "i linje med lagens" if pd.notna(worst) and worst < 0.5 else "en avvikelse från lagens"
            out.append(f"Medlemsbidragen fördelades {', '.join(parts)} – {verdict} 1/2, 1/4 och 1/4.")
    active = active_participants(ctx, y)
    if active is not None and active >= ctx.threshold:
        text = f"{fmt.number(active)} deltagare var aktuella under året"
        parts = ctx.parts
        rows = parts[
            (parts["year"] == y)
            & (parts["intervention"] == "*")
            & (parts["group"] == "*")
            & (parts["measure"] == "active")
        ]
        if (rows["gender"] != "total").any():
            split = suppression.suppress_small_counts(participants.gender_split(rows), ctx.threshold, part="gender")
            women = split[(split["gender"] == "kvinna") & ~split["suppressed"]]
            men = split[(split["gender"] == "man") & ~split["suppressed"]]
            if len(women) and len(men):
                text += f", {fmt.percent(women['share_pct'].iloc[0], 0)} kvinnor och {fmt.percent(men['share_pct'].iloc[0], 0)} män"
        out.append(text + ".")
    whole = whole_forbund_cost_per_participant(ctx)
    if whole is not None and whole["participants"] >= ctx.threshold:
        out.append(
            f"De individinriktade insatserna kostade {fmt.mnkr(whole['cost_sek'])}, ≈ {fmt.kronor(whole['per_participant_sek'])} per aktuell deltagare."
        )
    material = quality.material_findings(ctx)
    if len(material):
        newest = material[material["date"] == material["date"].max()]  # the year's own report first
        top = newest.iloc[0] if len(newest) else material.iloc[0]
        out.append(
            f"Avstämningen av källdokumenten fann {fmt.plural(len(material), 'fel', 'fel')} som inte är avrundningar; det största ({fmt.md(top['title'])}): {fmt.md(top['label'][:1].lower() + top['label'][1:])}, {fmt.signed(top['difference'], 0, top['unit_sv'])}. Se Datakvalitet."
        )
    else:
        out.append(
            "Avstämningen av källdokumenten fann inga fel utöver avrundningar och kända skillnader i definitioner."
        )
    return out[:6]


def section(ctx) -> list:

    items = [heading(f"Året i korthet {ctx.year}")]
    figures = key_figures(ctx)
    text = sentences(ctx)
    part_year = getattr(ctx, "part_year", None)
    if (
        figures.empty
        and part_year is not None
        and not part_year.financials.empty
        and (part_year.financials["year"] == ctx.year).any()
    ):
        return items + [
            Markdown(
                f"*Nyckeltal för helåret {ctx.year} saknas ännu; dokumenten ger bara delårsuppgifter för {ctx.year} (avsnittet Delårsuppgifter).*"
            )
        ]
    if figures.empty and not text:
        return items + [Markdown("*Nyckeltal: uppgifter saknas i källdokumenten.*")]
    if text:
        items.append(Markdown("\n".join(f"- {t}" for t in text)))
    if figures.empty:  # say what is missing (a delår-only year, or a document without money)
        items += delar.missing_key_figures(ctx)
    if not figures.empty:
        items.append(figures)
        items.append(
            Markdown(
                f"<small>Förändring = {ctx.year} − {ctx.year - 1}; för kostnader betyder + högre kostnad. {suppression.MISSING} = uppgift saknas i källan; – = ej tillämpligt (t.ex. procentuell förändring av ett resultat som bytt tecken). ≈ = beräknat av oss.</small>"
            )
        )
    return items
