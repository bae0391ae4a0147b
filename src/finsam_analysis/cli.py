"""`finsam`: one entry point for build, validate and reports."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pandas as pd

from finsam_analysis.data import paths
from finsam_analysis.data.errors import CurationError


def _load(args):
    from finsam_analysis.data.build import build_tables

    return build_tables(Path(args.raw), only=args.forbund or None)


def cmd_build(args) -> int:
    from finsam_analysis.data.build import write_processed

    from finsam_analysis.checks.personnummer import scan_for_personnummer
    from finsam_analysis.data.errors import Problem

    started = time.perf_counter()
    tables = _load(args)
    hits = scan_for_personnummer(Path(args.raw))  # no personal data ever reaches data/processed
    if len(hits):
        raise CurationError([
            Problem(Path(args.raw) / hit.path, hit.line, None, f"column {hit.column}: looks like a personnummer ({hit.masked}); never curate personal data")
            for hit in hits.itertuples(index=False)
        ])
    out = write_processed(tables, Path(args.out))
    counts = ", ".join(f"{name} {len(tables.table(name))}" for name in ("financials", "member_contributions", "intervention_finance", "participants", "outcomes", "indicator_survey"))
    print(f"built {out} in {time.perf_counter() - started:.2f} s: {counts}")
    return 0


def format_results(results: pd.DataFrame, show: str = "failing") -> str:
    """The result rows to print: `failing` (unexplained, changed, stale), `findings` (also
    registered ones) or `all` (also checks that pass)."""
    from finsam_analysis.checks.reconcile import FAILING

    if show == "all":
        shown = results
    elif show == "findings":
        shown = results[results["status"] != "ok"]
    else:
        shown = results[results["status"].isin(FAILING)]
    if shown.empty:
        return ""
    columns = ["status", "forbund", "document", "check_id", "expected", "actual", "difference", "tolerance", "registered_kind", "suggested_kind"]
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 90, "display.width", 250):
        return shown[columns].to_string(index=False)


def cmd_validate(args) -> int:
    """Quiet on success: one summary line, plus every finding nobody explained.

    --verbose also lists the registered findings and skipped package rules; --all every check.
    """
    from finsam_analysis.checks.personnummer import scan_for_personnummer
    from finsam_analysis.checks.reconcile import FAILING, reconcile, skipped_rules
    from finsam_analysis.data.build import verify_manifest

    started = time.perf_counter()
    tables = _load(args)
    processed = Path(args.processed)
    if (processed / "financials.csv").exists():
        problems = verify_manifest(processed)
        if problems:
            raise CurationError(problems)
    results = reconcile(tables)
    elapsed = time.perf_counter() - started
    show = "all" if args.all else "findings" if args.list_registered else "failing"
    listing = format_results(results, show)
    if listing:
        print(listing)
    counts = results["status"].value_counts().to_dict()
    failing = results[results["status"].isin(FAILING)]
    skipped = [(f.slug, document, rule, reason) for f in tables.raw for document, rules in skipped_rules(f).items() for rule, reason in rules.items()]
    print(
        f"{len(results)} checks on {results['forbund'].nunique()} förbund in {elapsed:.2f} s: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + (f"; {len(skipped)} package rule(s) skipped by documents" if skipped else "")
    )
    if args.list_registered or args.all:
        for slug, document, rule, reason in skipped:
            print(f"skipped package rule {rule} for {slug}/{document}: {reason}")
    if args.output:
        results.to_csv(args.output, index=False)
    hits = scan_for_personnummer(Path(args.raw))
    for hit in hits.itertuples(index=False):
        print(f"{hit.path}:{hit.line}:{hit.column}: looks like a personnummer ({hit.masked}); never curate personal data", file=sys.stderr)
    if not failing.empty or len(hits):
        print(
            f"FAILED: {len(failing)} finding(s) not explained, {len(hits)} personnummer found. Register each finding in the "
            "document's known_discrepancies.csv (docs/curation.md) — never edit a source figure to pass.",
            file=sys.stderr,
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finsam", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p):
        p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
        p.add_argument("--forbund", action="append", help="only this förbund (repeatable)")

    p = sub.add_parser("build", help="validate data/raw and write data/processed atomically")
    data_options(p)
    p.add_argument("--out", default=str(paths.PROCESSED_DIR), help="output folder (default: data/processed)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="reconcile every document; fail on unexplained findings")
    data_options(p)
    p.add_argument("--all", action="store_true", help="list every check, also those that pass")
    p.add_argument("--verbose", dest="list_registered", action="store_true", help="also list registered findings and skipped package rules")
    p.add_argument("--processed", default=str(paths.PROCESSED_DIR), help="processed folder whose manifest is verified, if built (default: data/processed)")
    p.add_argument("--output", help="write all check results to this CSV")
    p.set_defaults(func=cmd_validate)

    try:
        from finsam_analysis.publish import runner as reports
    except ImportError:  # reports need the notebook stack; build/validate do not
        reports = None
    if reports is not None and hasattr(reports, "register"):
        reports.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except CurationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # a clear one-line error for users; the traceback with -v
        if args.verbose:
            raise
        from finsam_analysis.checks.reconcile import RuleError

        if isinstance(exc, (RuleError, OSError, ValueError)):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
