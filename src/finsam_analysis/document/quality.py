"""Datakvalitet: the reconciliation of the source documents as a reader needs it, in Swedish.

The registered findings (known_discrepancies.csv) carry a curated Swedish explanation
(`explanation_sv`). Here they are given a human label (the explanation's own heading, never a
check id), a unit and a sign, and sorted: material errors first by size, definition differences
next, roundings collapsed into one count; differences between a plan and its outcome go to the
budget section (they are not errors); the full list is the appendix.
"""

from __future__ import annotations

import re

import pandas as pd

from finsam_analysis.data.targets import OUTCOME_TABLES
from finsam_analysis.document import fmt, labels
from finsam_analysis.document.items import Markdown, heading, table

UNIT_SV = {"money": "kr", "count": "personer", "pct": "procentenheter"}
PLAN_WORDS = re.compile(r"budget|forecast|prognos", re.IGNORECASE)


# Swedish names of the package's checks (checks/rules.yaml), for the reader; a document's own
# checks (checks.yaml) are named by the heading of their curated Swedish explanation.
RULE_LABELS = {
    "rr_identity": "Resultaträkningens summa",
    "rr_operating_result": "Verksamhetens resultat i resultaträkningen",
    "rr_result_after_financial": "Resultat efter finansiella poster",
    "equity_roll_forward": "Eget kapitalets förändring",
    "overview_result": "Resultatet i flerårsöversikten",
    "overview_equity_roll_forward": "Eget kapital i flerårsöversikten",
    "law_share_staten": "Statens andel av medlemsbidragen",
    "law_share_region": "Regionens andel av medlemsbidragen",
    "law_share_kommuner": "Kommunernas andel av medlemsbidragen",
    "cf_cash_closing": "Likvida medel i kassaflödesanalysen",
    "cf_before_working_capital": "Kassaflöde före förändring av rörelsekapital",
    "gender_parts_vs_total": "Deltagare per kön mot totalen",
}
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _label(check_id: str, rule: str, explanation: str, statements: dict[str, str], items: dict[str, str]) -> str:
    """A human name for a finding: never its check id.

    The same figure in two places: '<item> <year>: <statement> mot <statement>'; a package
    rule: its Swedish name and year; a document's own check: the heading of its explanation."""
    year = YEAR.search(check_id)
    year = f" {year.group(0)}" if year else ""
    if check_id.startswith("repeated:"):
        fields = check_id.split(":", 5)
        if len(fields) == 6 and fields[1] == "financials":
            _, table, y, _basis, item, where = fields
            places = [w.split("/", 1)[0] for w in where.split("|")]
            names = " mot ".join(dict.fromkeys(statements.get(w, w) for w in places))
            return f"{items.get(item, 'Samma uppgift')} {y}: {names.lower() if names else 'två ställen'}".strip()
    if rule in RULE_LABELS:
        return RULE_LABELS[rule] + year
    text = str(explanation or "").strip()
    for separator in (": ", ", men ", ", ", " ("):
        head = text.split(separator, 1)[0].strip()
        # a head cut inside parentheses ("… (protokoll") would misquote the explanation
        if head != text and 4 <= len(head) <= 70 and head.count("(") == head.count(")"):
            return head
    return f"Uppgift i källdokumentet{year}"


def is_plan_difference(kind: str, check_id: str, explanation: str) -> bool:
    """A definition difference between a plan (budget, forecast) and the outcome: no data error,
    shown under Budget och utfall, and counted apart wherever findings are counted."""
    return kind == "definition" and bool(PLAN_WORDS.search(str(check_id)) or PLAN_WORDS.search(str(explanation)))


def _body(explanation: str, label: str) -> str:
    """The explanation without a heading that only repeats the label."""
    text = str(explanation)
    head, _, rest = text.partition(": ")
    if rest and (head.strip() == label.strip() or label.startswith(head.strip())):
        return rest[:1].upper() + rest[1:]
    return text


def registered_findings(ctx) -> pd.DataFrame:
    """This förbund's registered findings with Swedish label, explanation, unit and document title."""
    findings = ctx.findings
    if findings is None or findings.empty:
        return pd.DataFrame(
            columns=[
                "document",
                "check_id",
                "kind",
                "difference",
                "unit_sv",
                "label",
                "explanation_sv",
                "title",
                "plan",
            ]
        )
    found = findings[findings["status"].isin(["registered", "changed"])].copy()
    if "explanation_sv" not in found.columns or not found["explanation_sv"].astype(str).str.strip().any():
        # findings made before the Swedish text travelled with them: read the registrations
        # (imported here: the checks pull in pandera, which a report kernel otherwise never needs)
        from finsam_analysis.checks.reconcile import registered

        known = registered(ctx.tables.raw) if ctx.tables.raw else pd.DataFrame()
        sv = (
            known.set_index(["document", "check_id"])["explanation_sv"]
            if "explanation_sv" in known.columns
            else pd.Series(dtype=str)
        )
        found["explanation_sv"] = [
            sv.get((d, c)) if (d, c) in sv.index else None for d, c in zip(found["document"], found["check_id"])
        ]
    found["explanation_sv"] = [
        s if isinstance(s, str) and s.strip() else "Förklaring på svenska saknas; se källdokumentet."
        for s in found["explanation_sv"]
    ]
    titles = (
        dict(zip(ctx.tables.sources["document"], ctx.tables.sources["title"])) if not ctx.tables.sources.empty else {}
    )
    found["title"] = found["document"].map(titles).fillna("källdokumentet")
    dates = (
        dict(zip(ctx.tables.sources["document"], ctx.tables.sources["date"].astype(str)))
        if not ctx.tables.sources.empty
        else {}
    )
    found["date"] = found["document"].map(dates).fillna("")
    found["kind"] = found["registered_kind"]
    found["unit_sv"] = found["unit"].map(UNIT_SV).fillna("")
    statements, items = labels.labels("statements"), labels.labels("items")
    found["label"] = [
        _label(c, r, e, statements, items) for c, r, e in zip(found["check_id"], found["rule"], found["explanation_sv"])
    ]
    found["plan"] = [
        is_plan_difference(k, c, e) for k, c, e in zip(found["kind"], found["check_id"], found["explanation_sv"])
    ]
    found["explanation_sv"] = [_body(e, lab) for e, lab in zip(found["explanation_sv"], found["label"])]
    found["size"] = found["difference"].abs()
    return found[
        [
            "document",
            "check_id",
            "kind",
            "difference",
            "size",
            "unit_sv",
            "label",
            "explanation_sv",
            "title",
            "date",
            "plan",
        ]
    ].reset_index(drop=True)


def material_findings(ctx) -> pd.DataFrame:
    reg = ctx.registered
    return reg[reg["kind"] == "material"].sort_values("size", ascending=False, kind="stable").reset_index(drop=True)


def _bullets(frame: pd.DataFrame, with_title: bool = True, titled: bool | None = None) -> str:
    """One bullet per finding; grouped under each source document's title when there are several
    (titled=True: also when this selection happens to come from one of several documents)."""

    def line(r) -> str:
        decimals = 2 if abs(r.difference) < 10 and r.difference != round(r.difference) else 0
        return f"- **{fmt.md(r.label)}**, differens {fmt.signed(r.difference, decimals, r.unit_sv)}: {fmt.md(r.explanation_sv)}"

    titles = (
        list(dict.fromkeys(frame.sort_values("date", ascending=False, kind="stable")["title"]))
        if "date" in frame
        else list(dict.fromkeys(frame["title"]))
    )
    if not with_title or (len(titles) <= 1 and not titled):
        return "\n".join(line(r) for r in frame.itertuples(index=False))
    blocks = []
    for title in titles:
        part = frame[frame["title"] == title]
        blocks.append(f"*{fmt.md(title)}:*\n\n" + "\n".join(line(r) for r in part.itertuples(index=False)))
    return "\n\n".join(blocks)


SHOWN_HERE = 5  # the largest findings of each kind in the section; the appendix lists all


def _largest(intro: str, findings: pd.DataFrame) -> Markdown:
    """The largest SHOWN_HERE findings (under their document's title when there are several
    documents) and how many more the appendix lists."""
    text = intro + "\n\n" + _bullets(findings.head(SHOWN_HERE), titled=findings["title"].nunique() > 1)
    rest = len(findings) - SHOWN_HERE
    if rest > 0:
        text += f"\n\n*Ytterligare {'en' if rest == 1 else fmt.number(rest)} finns i bilagan.*"
    return Markdown(text)


def section(ctx) -> list:

    items = [heading("Datakvalitet")]
    results = ctx.findings
    if results is None or results.empty:
        return items + [Markdown("*Inga kontroller kunde göras: källdokumenten saknar tabeller att stämma av.*")]
    reg = ctx.registered
    ok = int((results["status"] == "ok").sum())
    failing = results[~results["status"].isin(["ok", "registered"])]
    material = material_findings(ctx)
    definition = reg[(reg["kind"] == "definition") & ~reg["plan"]].sort_values("size", ascending=False, kind="stable")
    plan = reg[reg["plan"]]
    rounding = reg[reg["kind"] == "rounding"]
    text = (
        f"Vi har stämt av {fmt.number(len(results))} summor, identiteter och upprepade uppgifter i källdokumenten: "
        f"{fmt.number(ok)} stämmer exakt eller inom avrundning. Övriga är kända och förklarade: "
        f"{fmt.plural(len(material), 'fel i källdokumenten', 'fel i källdokumenten')}, "
        f"{fmt.plural(len(definition), 'skillnad i definition', 'skillnader i definition')}, "
        f"{fmt.plural(len(rounding), 'avrundningsdifferens', 'avrundningsdifferenser')}"
        + (
            f" och {fmt.plural(len(plan), 'skillnad mellan plan och utfall', 'skillnader mellan plan och utfall')} (under Budget och utfall)"
            if len(plan)
            else ""
        )
        + "."
    )
    if len(failing):
        text += f" **{fmt.plural(len(failing), 'avvikelse är oförklarad', 'avvikelser är oförklarade')}** och behöver granskas."
    items.append(Markdown(text))
    if len(material):
        items.append(
            _largest(
                "**Fel i källdokumenten**, största först. Analysen använder den uppgift som dokumentets räkenskaper (resultat- och balansräkning, noter) anger.",
                material,
            )
        )
    if len(definition):
        items.append(_largest("**Skillnader i definition** (samma namn, olika innehåll; inget fel):", definition))
    if len(rounding):
        largest = rounding.loc[rounding["size"].idxmax()]
        items.append(
            Markdown(
                f"**Avrundningar:** {fmt.plural(len(rounding), 'differens', 'differenser')} beror på att tryckta belopp avrundats (störst {fmt.signed(largest['difference'], 0, largest['unit_sv'])}: {fmt.md(largest['label'])}). Alla finns i bilagan."
            )
        )
    return items


def plan_differences(ctx) -> list:

    plan = ctx.registered[ctx.registered["plan"]] if not ctx.registered.empty else ctx.registered
    if plan.empty:
        return []
    plan = plan.sort_values("size", ascending=False, kind="stable")
    return [
        Markdown(
            "**Skillnader mellan plan och utfall som avstämningen noterat** (budget och prognos mäter något annat än utfallet; inga fel):\n\n"
            + _bullets(plan)
        )
    ]


def definitions_section(ctx) -> list:
    """Where figures are not comparable, generated from the data and the registered findings."""

    items = [heading("Att tänka på vid jämförelser")]
    notes = []
    fin = ctx.fin
    if not fin.empty:
        rr = fin[(fin["statement"] == "income_statement") & (fin["year"] == ctx.year) & (fin["basis"] == "utfall")]

        def get(item):
            return (
                float(rr.loc[rr["item"] == item, "value_sek"].iloc[0])
                if (rr["item"] == item).any() and rr.loc[rr["item"] == item, "value_sek"].notna().any()
                else None
            )  # noqa: E731

        contrib, income, financial = (
            get("member_contribution_total"),
            get("operating_income"),
            get("financial_items_total"),
        )
        if contrib and income is not None and contrib > income:
            where = (
                " bland de finansiella posterna"
                if financial is not None and financial >= contrib * 0.9
                else " utanför verksamhetens intäkter"
            )
            notes.append(
                f"- **Medlemsbidragen redovisas{where}.** I resultaträkningen {ctx.year} är verksamhetens intäkter {fmt.tkr(income)} medan medlemsbidragen är {fmt.tkr(contrib)}"
                + (f" (finansiella poster totalt {fmt.tkr(financial)})" if financial is not None else "")
                + ". Verksamhetens intäkter och verksamhetens resultat kan därför inte jämföras med förbund som redovisar medlemsbidragen som verksamhetens intäkter; årets resultat kan jämföras."
            )
    reg = ctx.registered
    if not reg.empty:
        years = {str(ctx.year), str(ctx.year - 1)}
        defs = reg[(reg["kind"] == "definition") & ~reg["plan"]]
        defs = defs[
            [
                bool(set(re.findall(r"\b(?:19|20)\d\d\b", c + " " + e)) & years)
                for c, e in zip(defs["check_id"], defs["explanation_sv"])
            ]
        ]
        for r in defs.sort_values("size", ascending=False, kind="stable").itertuples(index=False):
            notes.append(f"- **{fmt.md(r.label)}:** {fmt.md(r.explanation_sv)}")
    if ctx.tables.participants is not None and not ctx.parts.empty and "source" in ctx.parts.columns:
        pass
    if not notes:
        return items + [
            Markdown(f"Källdokumenten för {ctx.year} ger inga kända skillnader i definition mellan uppgifterna.")
        ]
    items.append(
        Markdown(
            "Här skiljer sig definitionerna mellan dokumentets tabeller, eller från hur andra förbund brukar redovisa. Uppgifterna nedan är härledda ur data och ur avstämningen av källdokumenten.\n\n"
            + "\n".join(notes)
        )
    )
    return items


def _figures_per_document(*parts) -> pd.Series:
    """How many curated figures each document gave (every table of figures, full and part
    year), by document id."""
    counts = [
        frame["document"].value_counts()
        for tables in parts
        if tables is not None
        for name in OUTCOME_TABLES
        if (frame := tables.table(name)) is not None and len(frame) and "document" in frame.columns
    ]
    return pd.concat(counts).groupby(level=0).sum() if counts else pd.Series(dtype="int64")


def appendix(ctx) -> list:

    items = [heading("Bilaga: alla registrerade avvikelser och källorna")]
    reg = ctx.registered
    if reg.empty:
        items.append(Markdown("Inga registrerade avvikelser."))
    else:
        order = {"material": 0, "definition": 1, "rounding": 2}
        reg = reg.assign(o=reg["kind"].map(order)).sort_values(["o", "size"], ascending=[True, False], kind="stable")
        for _kind, group in reg.groupby("o", sort=True):
            name = labels.labels("discrepancy_kinds").get(group["kind"].iloc[0], "övrigt").capitalize()
            items.append(Markdown(f"**{name}** ({len(group)})\n\n" + _bullets(group)))
    sources = ctx.tables.sources.sort_values("document") if not ctx.tables.sources.empty else ctx.tables.sources
    if len(sources):
        items.append(Markdown("**Källdokument**"))
        sources = sources.assign(
            figures=sources["document"].map(_figures_per_document(ctx.tables, ctx.part_year)).fillna(0)
        )
        columns = {
            "title": ("Dokument", None),
            "date": ("Datum", None),
            "figures": ("Uppgifter hämtade", lambda n: fmt.number(n)),
            "original_file": ("Originalfil", None),
            "sha256": ("Kontrollsumma (SHA-256, början)", lambda v: str(v)[:12]),
        }
        if "url" in sources and sources["url"].map(lambda u: isinstance(u, str) and u.startswith("http")).any():
            columns["url"] = (
                "Adress",
                lambda u: u if isinstance(u, str) and u.startswith("http") else "",
            )  # a web or press text
        items.append(table(sources, columns))
        names = set()
        for name in OUTCOME_TABLES:  # every table of curated figures
            frame = ctx.tables.table(name)
            if frame is not None and len(frame) and "section" in frame.columns:
                names.update(frame["section"].dropna().astype(str))
        if names:
            items.append(
                Markdown(
                    "Avsnitt i källdokumenten som siffrorna hämtats från: "
                    + "; ".join(fmt.md(n) for n in sorted(names))
                    + "."
                )
            )
    return items
