"""`finsam`: one entry point for every subcommand (build, validate, reports)."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from typing import Any
from pathlib import Path

import pandas as pd

from finsam_analysis.data import paths
from finsam_analysis.data.errors import CurationError


def _load(args):
    from finsam_analysis.data.build import build_tables

    return build_tables(Path(args.raw), only=args.forbund or None)


def cmd_build(args) -> int:
    from finsam_analysis.data.build import write_processed

    started = time.perf_counter()
    tables = _load(args)
    out = write_processed(tables, Path(args.out))
    counts = ", ".join(f"{name} {len(tables.table(name))}" for name in ("financials", "member_contributions", "intervention_finance", "participants", "outcomes", "indicator_survey"))
    print(f"built {out} in {time.perf_counter() - started:.2f} s: {counts}")
    return 0


def format_results(results: pd.DataFrame, show_ok: bool) -> str:
    shown = results if show_ok else results[results["status"] != "ok"]
    if shown.empty:
        return "(no findings)"
    columns = ["status", "forbund", "document", "check_id", "expected", "actual", "difference", "tolerance", "registered_kind", "suggested_kind"]
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 90, "display.width", 250):
        return shown[columns].to_string(index=False)


def cmd_validate(args) -> int:
    from finsam_analysis.checks.reconcile import FAILING, reconcile

    started = time.perf_counter()
    tables = _load(args)
    results = reconcile(tables)
    elapsed = time.perf_counter() - started
    print(format_results(results, args.all))
    counts = results["status"].value_counts().to_dict()
    failing = results[results["status"].isin(FAILING)]
    print(
        f"\n{len(results)} checks on {results['forbund'].nunique()} förbund in {elapsed:.2f} s: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    from finsam_analysis.checks.reconcile import skipped_rules

    for forbund in tables.raw:
        for document, rules in skipped_rules(forbund).items():
            for rule, reason in rules.items():
                print(f"skipped package rule {rule} for {forbund.slug}/{document}: {reason}")
    if args.output:
        results.to_csv(args.output, index=False)
    from finsam_analysis.checks.personnummer import scan_for_personnummer

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
    p.add_argument("--all", action="store_true", help="also list checks that pass")
    p.add_argument("--output", help="write all check results to this CSV")
    p.set_defaults(func=cmd_validate)

    add_reports_parser(sub)
    add_new_parser(sub)
    return parser


# --------------------------------------------------------------------------- new


def add_new_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `new` subcommand: scaffold a document folder (data/scaffold.scaffold_document)."""
    from finsam_analysis.data.loader import DOCUMENT_KINDS

    p = subparsers.add_parser(
        "new",
        help="scaffold data/raw/<forbund>/<document>/ from a source text, ready for curation",
        description=(
            "Create forbund.yaml (if the förbund is new), source.yaml (sha256, dates), source.txt, "
            "checks.yaml, known_discrepancies.csv and a header-only CSV per table, then check "
            "that the folder loads. Next steps: docs/curation.md, 'One sparse document end to end'."
        ),
    )
    p.add_argument("forbund", help="förbund slug, e.g. ostra-skaraborg")
    p.add_argument("document", help="document id <kind>-<year> or <kind>-<yyyy-mm-dd>, e.g. delarsrapport-2024-08-31")
    p.add_argument("--kind", required=True, choices=DOCUMENT_KINDS, help="kind of document")
    p.add_argument("--source", required=True, help="the text file the figures are typed from (copied to source.txt)")
    p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
    p.add_argument("--title", help="title as printed (default: kind and year)")
    p.add_argument("--date", help="date adopted/published YYYY-MM-DD or YYYY-MM (default: the date in the id)")
    p.add_argument("--years", nargs=2, type=int, metavar=("FIRST", "LAST"), help="first and last year the figures refer to")
    p.add_argument("--period", help="part of the year the document covers: helar (default) or e.g. jan-aug")
    p.add_argument("--url", help="where the document was read (required for --kind webbtext)")
    p.add_argument("--name", help="the förbund's name as printed (new förbund only)")
    p.add_argument("--org-nr", dest="org_nr", help="organisationsnummer (new förbund only)")
    p.add_argument("--county", help="county (new förbund only)")
    p.set_defaults(func=cmd_new)
    return p


def cmd_new(args) -> int:
    from finsam_analysis.data.loader import load_raw
    from finsam_analysis.data.scaffold import TODO, scaffold_document, unused_tables

    source = Path(args.source)
    if not source.is_file():
        raise FileNotFoundError(f"--source {source}: no such file")
    meta = {k: getattr(args, k) for k in ("title", "date", "years", "period", "url", "name", "org_nr", "county") if getattr(args, k)}
    try:
        folder = scaffold_document(Path(args.raw), args.forbund, args.document, args.kind, source.read_text(encoding="utf-8"), original_file=source.name, **meta)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    load_raw(Path(args.raw), only=[args.forbund])  # the new folder must load (CurationError otherwise)
    print(f"created {folder} (loads and validates)")
    forbund_yaml = folder.parent / "forbund.yaml"
    if TODO in forbund_yaml.read_text(encoding="utf-8"):
        print(f"next: fill in '{TODO}' and the members in {forbund_yaml}")
    print(f"next: type the figures into the CSVs of {folder.name} (docs/curation.md); delete the tables the document does not have")
    print(f"      ({len(unused_tables(folder))} header-only tables now), then `finsam validate --forbund {args.forbund}`")
    return 0


# --------------------------------------------------------------------------- reports


def add_reports_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `reports` subcommand."""
    from finsam_analysis.publish.runner import DEFAULT_TIMEOUT

    parser = subparsers.add_parser(
        "reports",
        help="render the analysis documents (reports/<year>/<forbund>.html)",
        description=(
            "Run the report template for each (förbund, year) with papermill and export HTML "
            "without code. By default every förbund with its latest year of outcome data. "
            "Unchanged reports (same inputs hash as their last success) are skipped. "
            "Exit status 1 if any report failed."
        ),
    )
    parser.add_argument("--forbund", action="append", metavar="SLUG", help="only this förbund (repeatable); default all")
    parser.add_argument("--year", type=int, help="this year instead of each förbund's latest")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: number of CPUs)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
        help=f"seconds per cell and per report (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--force", action="store_true", help="rerun unchanged reports too")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", type=parse_param,
        help="another template parameter, e.g. --param suppression_threshold=10 (value read as YAML)",
    )
    parser.set_defaults(func=cmd_reports)
    return parser


def parse_param(text: str) -> tuple[str, Any]:
    """'suppression_threshold=10' -> ('suppression_threshold', 10); the value is read as YAML."""
    import yaml

    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    try:
        return name.strip(), yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: the value is not valid YAML ({exc})") from None


def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt(f"signal {signum}")


def cmd_reports(args: argparse.Namespace) -> int:
    """`finsam reports`: 0 if every report is ok or unchanged, 1 if any failed, 2 on bad input,
    130 if interrupted (Ctrl-C, or SIGTERM from systemd/CI: treated alike, so the build record
    and index are saved and the workers and their kernels are stopped)."""
    import finsam_analysis
    from finsam_analysis.data.targets import resolve_targets, unreportable
    from finsam_analysis.publish.runner import run_reports

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        extra = dict(getattr(args, "param", None) or [])
        reserved = {"forbund", "year"} & set(extra)
        if reserved:
            raise ValueError(f"use --forbund/--year, not --param, for {', '.join(sorted(reserved))}")
        tables = finsam_analysis.load()
        # a förbund without any reportable year is never skipped silently: it is listed on the
        # index with its reason, and counts as failed when asked for by name
        without = unreportable(tables)
        asked = list(dict.fromkeys(args.forbund or []))
        named_without = [f for f in asked if f in without]
        rest = [f for f in asked if f not in without]
        targets = resolve_targets(tables, rest, args.year) if rest or not asked else []
        if not targets and not without:
            print("error: no report targets (no förbund has outcome figures)", file=sys.stderr)
            return 2
        for forbund in named_without:
            print(f"error: {forbund}: no report: {without[forbund]}", file=sys.stderr)
        summary = run_reports(
            targets, jobs=args.jobs, timeout=args.timeout, force=args.force,
            progress=not args.no_progress, extra_parameters=extra or None,
            unreportable=without, requested_unreportable=named_without,
        )
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished reports are kept, see reports/index.html", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(summary.format())
    print(f"index: {summary.out_dir / 'index.html'}")
    return summary.exit_code


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

        if isinstance(exc, (RuleError, FileNotFoundError, ValueError)):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
