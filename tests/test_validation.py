"""The curated data validates, every figure is checked, and a one-unit change is caught.

`finsam validate` must pass on the curated documents (every finding registered with an
explanation), and must fail when any checked figure moves by one unit of its printed
precision (1 kr, 1 tkr, 1 person, 1 per cent): the mutation test below proves the checks bite. It changes each checked figure once, in place, and
re-evaluates only the checks that read it (the same status rules as `finsam validate`).
"""

from collections import defaultdict

import pytest

from finsam_analysis.checks.reconcile import (
    FAILING,
    Evaluator,
    all_rules,
    fails,
    insensitive_rows,
    reconcile_raw,
    registered_differences,
)
from finsam_analysis.data import paths
from finsam_analysis.data.loader import load_raw
from finsam_analysis.data.vocabulary import load_vocabulary

FORBUND = sorted(p.parent.name for p in paths.RAW_DIR.glob("*/forbund.yaml"))

MONEY = ("kr", "tkr", "mkr")


@pytest.fixture(scope="module")
def forbunds():
    return load_raw(paths.RAW_DIR)


@pytest.fixture(scope="module")
def results(forbunds):
    return reconcile_raw(forbunds)


def value_rows(forbund):
    """(document, table name, frame, row index, row reference) for every curated figure."""
    for doc in forbund.documents:
        for name, frame in doc.tables.items():
            if "value" not in frame:
                continue
            for index, line in zip(frame.index, frame["_line"]):
                yield doc, name, frame, index, f"{forbund.slug}/{doc.document_id}/{name}.csv:{line}"


def covered(results) -> set[str]:
    return {ref for rows in results["rows"] for ref in str(rows).split(";") if ref}


def test_curated_data_validates(results):
    failing = results[results["status"].isin(FAILING)]
    assert failing.empty, failing[["forbund", "document", "check_id", "difference", "status"]].to_string()


def test_every_forbund_with_figures_is_checked(forbunds, results):
    with_figures = {
        f.slug for f in forbunds if any(len(t) for d in f.documents for n, t in d.tables.items() if "value" in t)
    }
    assert FORBUND and set(results["forbund"]) == with_figures


def test_nearly_every_money_figure_is_in_a_check(forbunds, results):
    """Money figures printed once, with no sum or repetition to tie them to, are the exception."""
    refs = covered(results)
    money = [
        (ref, ref in refs) for f in forbunds for _, _, frame, i, ref in value_rows(f) if frame.at[i, "unit"] in MONEY
    ]
    share = sum(hit for _, hit in money) / len(money)
    assert share >= 0.95, f"only {share:.1%} of money figures are checked"


@pytest.mark.parametrize("slug", FORBUND)
def test_changing_any_checked_figure_by_one_unit_fails_validation(forbunds, results, slug):
    [forbund] = [f for f in forbunds if f.slug == slug]
    evaluator = Evaluator(forbund)
    known = registered_differences([forbund])
    checks = [c for rule in all_rules(forbund) for c in evaluator.checks(rule)] + evaluator.repeated_checks()
    readers = defaultdict(list)  # row reference -> (check, its registration key) that read it
    for check in checks:
        row = evaluator.run(check)
        if row is not None:
            for ref in row["rows"].split(";"):
                readers[ref].append((check, (slug, row["document"], row["check_id"])))
    # the in-process evaluation sees exactly what `finsam validate` sees
    assert set(readers) == {r for r in covered(results) if r.startswith(f"{slug}/")}
    vocab = load_vocabulary()
    survivors, mutated = [], 0
    for _doc, name, _frame, _index, ref in value_rows(forbund):
        if ref not in readers:
            continue
        table = evaluator.frames[name]
        [position] = (table["_ref"] == ref).to_numpy().nonzero()[0]
        unit = table.at[position, "unit"]
        step = 1.0  # one unit of the figure's unit: 1 kr, 1 tkr, 1 person, 1 per cent
        factor = (vocab.unit_factor(unit) if unit in MONEY else None) or 1.0  # value units -> comparison units
        original = evaluator.set_value(name, position, table.at[position, "_value"] + step * factor)
        try:
            caught = any(fails(evaluator.run(check), known.get(key)) for check, key in readers[ref])
        finally:
            evaluator.set_value(name, position, original)
        mutated += 1
        if not caught:
            survivors.append(ref)
    assert mutated > 50
    # the only survivors are the rows the document's checks.yaml declares insensitive, with a reason
    expected = set(insensitive_rows(forbund))
    assert set(survivors) == expected, (
        f"{len(survivors)} of {mutated} one-unit changes passed validation: {sorted(set(survivors) ^ expected)[:10]}"
    )
