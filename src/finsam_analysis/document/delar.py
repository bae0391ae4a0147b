"""Report parts for the shapes real Finsam material comes in: part-year figures (delår),
approximate figures, and years the reference data does not cover.

sections.py calls these; each returns report items (Markdown, display tables) like a section,
and says in one Swedish sentence what is missing instead of failing.
"""

from __future__ import annotations

import pandas as pd

from finsam_analysis.data import periods
from finsam_analysis.data.approx import is_approx
from finsam_analysis.data.approx import label as approx_label
from finsam_analysis.data.numbers import printed_decimals
from finsam_analysis.data.precedence import document_rank
from finsam_analysis.data.vocabulary import load_vocabulary
from finsam_analysis.document import fmt, labels
from finsam_analysis.document.items import Markdown

UNIT_TEXT = {"kr": "kr", "tkr": "tkr", "mkr": "mnkr", "count": "", "pct": "%"}


def _md(text: str):

    return Markdown(text)


# ----------------------------------------------------------------------------- approximate figures


def as_printed(value: float, unit: str, approx: object = None) -> str:
    """A figure in its printed unit and precision, with its approximation word: 'ca 2,2 mnkr'."""
    number = fmt.number(float(value), printed_decimals(abs(float(value))))
    unit_text = UNIT_TEXT.get(unit, unit)
    text = f"{number}{fmt.THOUSANDS}{unit_text}" if unit_text else number  # as fmt.kronor and fmt.percent
    word = approx_label(approx)
    if word == approx_label("avrundat"):
        return f"{text} (avrundat)"
    return f"{word} {text}" if word else text


def shown_amount(fin: pd.DataFrame, item: str, year: int, value_sek: float) -> str:
    """An amount for a table: in kronor, or as printed (with its word) where the figure is
    approximate or printed in millions ("ca 2,2 mnkr", never a false "2 200 000 kr")."""
    if "approx" in fin.columns:
        rows = fin[
            (fin["item"] == item) & (fin["year"] == year) & (fin["basis"] == "utfall") & (fin["value_sek"] == value_sek)
        ]
        rows = rows[rows["approx"].map(is_approx) | (rows["unit"] == "mkr")]
        if len(rows):
            row = rows.iloc[0]
            return as_printed(row["value"], row["unit"], row["approx"])
    return fmt.kronor(value_sek)


def printed_amount(
    fin: pd.DataFrame, item: str, year: int, sign: int = 1, value_sek: float | None = None
) -> str | None:
    """The report year's figure as the source prints it, where it is approximate or in millions
    ("ca 7,5 mnkr", "7,2 mnkr (avrundat)"), else None (show it in kronor as usual)."""
    if "approx" not in fin.columns or value_sek is None:
        return None
    rows = fin[
        (fin["item"] == item)
        & (fin["year"] == year)
        & (fin["basis"] == "utfall")
        & ((fin["value_sek"] - value_sek).abs() < 0.5)
    ]
    rows = rows[rows["approx"].map(is_approx) | (rows["unit"] == "mkr")]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return as_printed(row["value"] * sign, row["unit"], row["approx"])


def missing_key_figures(ctx) -> list:
    """The one sentence a summary shows when the year has no full-year key figures."""
    part = getattr(ctx, "part_year", None)
    if part is not None and (part.financials["year"] == ctx.year).any():
        return [
            _md(
                f"*Nyckeltal för helåret {ctx.year} saknas ännu; dokumenten ger bara delårsuppgifter för {ctx.year} (avsnittet Delårsuppgifter).*"
            )
        ]
    return [
        _md(
            f"*Ekonomiska nyckeltal för {ctx.year} saknas i källdokumenten; rapporten visar de uppgifter som finns (t.ex. deltagare).*"
        )
    ]


def approximate_figures(tables, year: int) -> list:
    """One paragraph listing the report year's figures that the sources print as approximate."""
    lines = []
    vocab = load_vocabulary()
    for name, what in (
        ("financials", "item"),
        ("participants", "measure"),
        ("outcomes", "outcome"),
        ("member_contributions", "member"),
    ):
        frame = tables.table(name)
        if frame.empty or "approx" not in frame.columns:
            continue
        rows = frame[(frame["year"] == year) & frame["approx"].map(is_approx)]
        for _, row in rows.iterrows():
            domain = {"item": "items", "measure": "participant_measures", "outcome": "outcomes"}.get(what)
            subject = vocab.label(domain, row[what]) if domain else str(row[what])
            if name == "participants":
                subject = f"{subject} ({labels.label('genders', row['gender']).lower()})"
            lines.append(f"{subject}: {as_printed(row['value'], row['unit'], row['approx'])}")
    if not lines:
        return []
    return [
        _md(
            f"Ungefärliga uppgifter {year} (källan anger dem med *ca*, *cirka*, *drygt*, *knappt* eller som avrundade; "
            "kontrollerna tillåter den tryckta avrundningen): " + "; ".join(lines) + "."
        )
    ]


# ----------------------------------------------------------------------------- part-year figures


def _period_order(period: str) -> tuple[int, int]:
    return periods.parse_period(period) or (0, 0)


def part_year_section(part_year, year: int, full_year=None) -> list:
    """Part-year figures (delår) of the report year beside the same period of the year before.

    `part_year`: Tables holding only part-year rows (periods.split_tables). They are shown on
    their own and never enter the full-year measures of the other sections.
    """
    items: list = [_md("## Delårsuppgifter")]
    fin = part_year.financials if part_year is not None else pd.DataFrame()
    parts = part_year.participants if part_year is not None else pd.DataFrame()
    here = fin[fin["year"].isin([year, year - 1])] if len(fin) else fin
    own_year = fin[fin["year"] == year] if len(fin) else fin
    if own_year.empty and (parts.empty or (parts["year"] != year).all()):
        later = sorted(
            {
                (int(y), p)
                for frame in (fin, parts)
                if len(frame)
                for y, p in zip(frame["year"], frame["period"])
                if int(y) > year
            }
        )
        if later:
            listed = ", ".join(f"{y} ({periods.label(p)})" for y, p in later)
            which = "det året" if len({y for y, _ in later}) == 1 else "respektive år"
            return items + [
                _md(
                    f"*Delårsuppgifter för {year} saknas; det finns delårsuppgifter för {listed}, som visas i rapporten för {which}.*"
                )
            ]
        return items + [
            _md(f"*Delårsuppgifter för {year} saknas: inget dokument för en del av året (t.ex. en delårsrapport).*")
        ]
    if len(here):
        here = here[here["basis"] == "utfall"]
        ranked = here.assign(_rank=here["document"].map(document_rank)).sort_values(
            "_rank", ascending=False, kind="stable"
        )
        ranked = ranked.drop_duplicates(["year", "period", "item"], keep="first")
        rows = []
        for period in sorted(set(ranked.loc[ranked["year"] == year, "period"]), key=_period_order):
            block = ranked[ranked["period"] == period]
            for item in dict.fromkeys(block.loc[block["year"] == year, "item"]):
                this = block[(block["year"] == year) & (block["item"] == item)].iloc[0]
                before = block[(block["year"] == year - 1) & (block["item"] == item)]
                rows.append(
                    {
                        "Period": periods.label(period),
                        "Post": labels.label("items", item),
                        f"{year}": as_printed(this["value"], this["unit"], this.get("approx")),
                        f"{year - 1} samma period": as_printed(
                            before["value"].iloc[0],
                            before["unit"].iloc[0],
                            before["approx"].iloc[0] if "approx" in before else None,
                        )
                        if len(before)
                        else "–",
                    }
                )
        if rows:
            items.append(
                _md(
                    f"Ekonomiskt utfall för en del av {year}, med samma period {year - 1} som jämförelse (dessa delårssiffror ingår inte i helårsmåtten i övriga avsnitt):"
                )
            )
            items.append(pd.DataFrame(rows).set_index(["Period", "Post"]))
    if full_year is not None and len(full_year.financials):
        forecast = full_year.financials
        forecast = forecast[(forecast["year"] == year) & (forecast["basis"] == "prognos")]
        if len(forecast):
            ranked = forecast.assign(_rank=forecast["document"].map(document_rank)).sort_values(
                "_rank", ascending=False, kind="stable"
            )
            ranked = ranked.drop_duplicates(["item"], keep="first")
            listed = "; ".join(
                f"{labels.label('items', r['item'])} {fmt.kronor(r['value_sek'])}" for _, r in ranked.iterrows()
            )
            items.append(_md(f"Prognos för helåret {year}: {listed}."))
    if len(parts) and (parts["year"] == year).any():
        p = parts[(parts["year"] == year) & (parts["gender"] == "total") & (parts["unit"] == "count")]
        if len(p):
            listed = "; ".join(
                f"{labels.place_series(pd.Series([r['intervention']])).iloc[0]}, {labels.label('participant_measures', r['measure'])} ({periods.label(r['period'])}): {as_printed(r['value'], 'count', r.get('approx'))}"
                for _, r in p.iterrows()
            )
            items.append(_md(f"Deltagare under en del av {year}: {listed}."))
    return items


# ----------------------------------------------------------------------------- reference coverage


def uncovered_sentence(years: list[int], base_year: int) -> list:
    """The one sentence a section shows for years the price index does not cover."""
    if not years:
        return []
    listed = ", ".join(map(str, years))
    return [
        _md(
            f"*KPI saknas för {listed}; för {'det året' if len(years) == 1 else 'de åren'} visas bara löpande priser (fasta priser i {base_year} års penningvärde saknas).*"
        )
    ]


def base_year_sentence(year: int, base_year: int) -> list:
    """Said in the title when the report year itself has no KPI yet (the nearest year is used)."""
    if year == base_year:
        return []
    return [_md(f"*KPI för {year} finns inte i referensdata ännu; fasta priser anges i {base_year} års penningvärde.*")]
