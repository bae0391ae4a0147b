"""Helpers the tests import (`from helpers import ...`): a one-figure lookup and a tiny
synthetic förbund. Not in conftest.py, whose module name notebooks/conftest.py shares."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from finsam_analysis.document import sections as report

FIXTURES_RAW = Path(__file__).parent / "fixtures" / "raw"  # synthetic förbund (tests/fixtures/README.md)


def one(df: pd.DataFrame, column: str = "value_sek", **filters) -> float:
    """The single figure matching filters; fails loudly if none or several match."""
    mask = pd.Series(True, index=df.index)
    for key, wanted in filters.items():
        mask &= df[key].astype(str) == str(wanted)
    hits = df.loc[mask]
    assert len(hits) == 1, f"expected exactly one row for {filters}, found {len(hits)}"
    return hits[column].iloc[0]


SYNTHETIC_FINANCIALS = """statement,year,basis,item,value,unit,section,page,note
income_statement,2024,utfall,operating_income,999500.00,kr,Resultaträkning,,
income_statement,2024,utfall,operating_costs,-900000.50,kr,Resultaträkning,,
income_statement,2024,utfall,financial_income,500.50,kr,Resultaträkning,,
income_statement,2024,utfall,net_result,100000.00,kr,Resultaträkning,,
overview,2024,utfall,net_result,100,tkr,Översikt,,
balance_sheet,2024,utfall,equity,300000,kr,Balansräkning,,
balance_sheet,2023,utfall,equity,200000,kr,Balansräkning,,
"""
SYNTHETIC_MEMBERS = """year,basis,member,member_kind,value,unit,share_pct,section,page,note
2024,utfall,Försäkringskassan,staten,500000,kr,50,Not 1,,
2024,utfall,Region Test,region,250000,kr,25,Not 1,,
2024,utfall,Testby,kommun,250000,kr,25,Not 1,,
"""


def write_synthetic(raw_dir, financials=SYNTHETIC_FINANCIALS, members=SYNTHETIC_MEMBERS, extra=None):
    """A tiny, internally consistent förbund 'testforbund' with one annual report."""
    import hashlib
    import textwrap

    forbund = raw_dir / "testforbund"
    doc = forbund / "arsredovisning-2024"
    doc.mkdir(parents=True)
    (forbund / "forbund.yaml").write_text(
        textwrap.dedent(
            """\
            slug: testforbund
            name: Testförbundet
            org_nr: "222000-0000"
            county: Testlän
            members:
              - {name: Försäkringskassan, kind: staten}
              - {name: Region Test, kind: region}
              - {name: Testby, kind: kommun}
            """
        ),
        encoding="utf-8",
    )
    text = "Årets resultat 100 000,00 kr\n"
    (doc / "source.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (doc / "source.yaml").write_text(
        textwrap.dedent(
            f"""\
            document_id: arsredovisning-2024
            forbund: testforbund
            kind: arsredovisning
            fiscal_year: 2024
            years: [2023, 2024]
            title: Årsredovisning 2024
            date: 2025-02-01
            original_file: test.txt
            sha256: {sha}
            url: null
            curated_by: tests
            curated_at: 2026-11-23
            """
        ),
        encoding="utf-8",
    )
    (doc / "financials.csv").write_text(financials, encoding="utf-8")
    (doc / "member_contributions.csv").write_text(members, encoding="utf-8")
    (doc / "known_discrepancies.csv").write_text(
        "check_id,expected,actual,difference,kind,explanation\n", encoding="utf-8"
    )
    for name, content in (extra or {}).items():
        (doc / name).write_text(content, encoding="utf-8")
    return raw_dir


# ---- what a reader sees of a report's items (figures reduced to their texts)


class FigureText:
    """The words and numbers a chart shows: titles, labels, tick labels, legend, value labels."""

    def __init__(self, fig):
        texts = [report.alt_text(fig)]
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
        for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
            texts += [t.get_text() for t in legend.get_texts()]
        self.texts = [t for t in texts if t]
        self.yticks = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        self.values = [t.get_text() for ax in fig.axes for t in ax.texts]


def reader_text(items) -> list[str]:
    texts = []
    for _, item in items:
        if isinstance(item, FigureText):
            texts += item.texts
        elif isinstance(item, pd.DataFrame):
            shown = report.compact(item)
            texts += [str(c) for c in shown.columns] + [str(i) for i in shown.index]
            texts += [str(v) for v in shown.to_numpy().ravel()]
            texts += [str(shown.columns.name or ""), str(shown.index.name or "")]
        else:
            # links and the small tags are markup, not text
            texts.append(re.sub(r"<[^>]+>", " ", str(item)))
    return texts


def kommun_table(ctx):
    return next(
        item
        for item in report.participants_section(ctx)
        if isinstance(item, pd.DataFrame) and item.index.name == "Kommun"
    )
