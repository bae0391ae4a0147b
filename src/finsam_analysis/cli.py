"""`finsam`: one entry point for every subcommand (build, validate, reports)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finsam_analysis.data import paths
from finsam_analysis.data.errors import CurationError

if TYPE_CHECKING:
    import pandas as pd

# pandas, papermill and the loader are imported by the subcommands that use them: `finsam
# reports` with nothing to do decides so without any of them (publish/noop.py).


def _load(args):
    from finsam_analysis.data.build import build_tables

    return build_tables(Path(args.raw), only=args.forbund or None)  # reconcile binds the checks


def cmd_build(args) -> int:
    from finsam_analysis.checks.processed import build_and_write
    from finsam_analysis.data.errors import Problem
    from finsam_analysis.data.lock import LockUnavailable
    from finsam_analysis.data.personnummer import scan_for_personnummer

    started = time.perf_counter()
    hits = scan_for_personnummer(Path(args.raw))  # no personal data ever reaches data/processed
    if len(hits):
        raise CurationError(
            [
                Problem(
                    Path(args.raw) / hit.path,
                    hit.line,
                    None,
                    f"looks like a personnummer ({hit.masked}) at column {hit.column}; never curate personal data",
                )
                for hit in hits.itertuples(index=False)
            ]
        )
    try:
        tables, out = build_and_write(Path(args.raw), Path(args.out), only=args.forbund or None, wait=args.wait)
    except OSError as exc:
        from finsam_analysis.publish.record import os_error_message

        message = exc if isinstance(exc, LockUnavailable) else os_error_message(exc, Path(args.out))
        print(f"error: {message}", file=sys.stderr)
        return 2
    from finsam_analysis.data.targets import OUTCOME_TABLES  # the tables of curated figures

    counts = ", ".join(f"{name} {len(tables.table(name))}" for name in OUTCOME_TABLES)
    print(f"built {out} in {time.perf_counter() - started:.2f} s: {counts}")
    return 0


def format_results(results: pd.DataFrame, show: str = "failing") -> str:
    """The result rows to print: `failing` (unexplained, changed, stale), `findings` (also
    registered ones) or `all` (also checks that pass)."""
    import pandas as pd

    from finsam_analysis.checks.reconcile import FAILING

    if show == "all":
        shown = results
    elif show == "findings":
        shown = results[results["status"] != "ok"]
    else:
        shown = results[results["status"].isin(FAILING)]
    if shown.empty:
        return ""
    columns = [
        "status",
        "forbund",
        "document",
        "check_id",
        "expected",
        "actual",
        "difference",
        "tolerance",
        "registered_kind",
        "suggested_kind",
    ]
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 90, "display.width", 250):
        return shown[columns].to_string(index=False)


def cmd_validate(args) -> int:
    """Quiet on success: one summary line, plus every finding nobody explained.

    --verbose also lists the registered findings and skipped package rules; --all every check.
    """
    from finsam_analysis.checks.reconcile import FAILING, reconcile, skipped_rules
    from finsam_analysis.data.build import load_findings, verify_manifest
    from finsam_analysis.data.manifest import is_current
    from finsam_analysis.data.personnummer import scan_for_personnummer

    started = time.perf_counter()
    # the processed folder built from this raw folder: data/processed unless told otherwise
    processed = (
        Path(args.processed) if args.processed else paths.PROCESSED_DIR if Path(args.raw) == paths.RAW_DIR else None
    )
    only = args.forbund or None
    if processed is not None and is_current(processed, Path(args.raw)):
        # built from this raw data by this code, for every förbund: its findings are this
        # reconciliation (the raw folders are still loaded, for tick-and-tie and skipped rules)
        from finsam_analysis.data.loader import load_raw

        forbunds = load_raw(Path(args.raw), only=only)
        results = load_findings(processed, only=only)
    else:
        tables = _load(args)
        if processed is not None and (processed / "financials.csv").exists():
            problems = verify_manifest(processed)
            if problems:
                raise CurationError(problems)
        forbunds = tables.raw
        results = reconcile(tables)
    elapsed = time.perf_counter() - started
    show = "all" if args.all else "findings" if args.list_registered else "failing"
    listing = format_results(results, show)
    if listing:
        print(listing)
    counts = results["status"].value_counts().to_dict()
    failing = results[results["status"].isin(FAILING)]
    skipped = [
        (f.slug, document, rule, reason)
        for f in forbunds
        for document, rules in skipped_rules(f).items()
        for rule, reason in rules.items()
    ]
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
    from finsam_analysis.checks.tickandtie import untied_figures

    untied = untied_figures(forbunds)
    for line in untied:
        print(
            f"{Path(args.raw) / line}: not found in source.txt as printed (a typo, or mark the row derived in note)",
            file=sys.stderr,
        )
    hits = scan_for_personnummer(Path(args.raw))
    for hit in hits.itertuples(index=False):
        print(
            f"{hit.path}:{hit.line}:{hit.column}: looks like a personnummer ({hit.masked}); never curate personal data",
            file=sys.stderr,
        )
    if results.empty:
        print(
            "FAILED: no checks ran: the raw data holds no figures to check (is --raw or --forbund right?)",
            file=sys.stderr,
        )
        return 1
    if not failing.empty or len(hits) or untied:
        print(
            f"FAILED: {len(failing)} finding(s) not explained, {len(untied)} figure(s) not in their source text, "
            f"{len(hits)} personnummer found. Register each finding in the "
            "document's known_discrepancies.csv (docs/curation.md) — never edit a source figure to pass.",
            file=sys.stderr,
        )
        return 1
    return 0


# --- curation assistant (issue 13): ingest, propose, accept; the logic lives in curation/ ---
def cmd_ingest(args) -> int:
    from finsam_analysis.curation.ingest import ingest

    folder = ingest(Path(args.file), Path(args.raw), args.forbund, args.document, args.kind, force=args.force)
    print(f"wrote {folder}: source.txt, source.yaml, checks.yaml; next: finsam propose {args.forbund}/{args.document}")
    return 0


def cmd_propose(args) -> int:
    from finsam_analysis.curation.propose import propose_folder, resolve_folder, write_proposals

    folder = resolve_folder(args.target, Path(args.raw))
    proposals = propose_folder(folder)
    if args.diff:
        from finsam_analysis.curation.diff import diff_lines

        lines = diff_lines(folder, proposals)
        print("\n".join(lines) if lines else "(proposals and curated rows agree)")
        print(f"\n{len(lines)} difference(s): each is a typo in the curated CSV or an error of the proposal")
        return 0
    written = write_proposals(folder, proposals)
    counts = ", ".join(
        f"{p.stem} {sum(1 for _ in open(p, encoding='utf-8')) - 1}" for p in written if p.suffix == ".csv"
    )
    print(
        f"proposed {len(proposals.rows)} rows in {folder / 'proposed'} ({counts or 'none'}); "
        "see summary.md, review with --diff"
    )
    return 0


def cmd_accept(args) -> int:
    from finsam_analysis.curation.accept import accept, parse_rows
    from finsam_analysis.curation.propose import resolve_folder

    folder = resolve_folder(args.target, Path(args.raw))
    result = accept(folder, args.table, parse_rows(args.rows), args.min_confidence)
    for table, n in result.accepted.items():
        print(f"{table}: accepted {n} row(s), {result.already.get(table, 0)} already curated")
    for conflict in result.conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    print("next: finsam validate (reconciliation) and pytest tests/test_tick_and_tie.py")
    return 1 if result.conflicts else 0


def add_curation_commands(sub) -> None:
    p = sub.add_parser("ingest", help="a report's PDF or text -> a new curation folder under data/raw")
    p.add_argument("file", help="the report: .pdf (text extracted with pypdf) or .txt")
    p.add_argument("--forbund", required=True, help="förbund slug, e.g. mittforbund")
    p.add_argument("--document", required=True, help="document id, e.g. arsredovisning-2024 or protokoll-2023-12-15")
    # checked by ingest against the document kinds (not here: the parser of every command
    # must not import the loader)
    p.add_argument("--kind", help="document kind (default: from the id)")
    p.add_argument(
        "--force", action="store_true", help="replace source.txt/source.yaml of an existing folder (CSVs are kept)"
    )
    p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "propose", help="propose rows from source.txt into <document>/proposed/ (or --diff against the curated rows)"
    )
    p.add_argument("target", help="FORBUND/DOCUMENT (relative to data/raw) or a folder path")
    p.add_argument("--diff", action="store_true", help="show proposals against the curated CSVs; write nothing")
    p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
    p.set_defaults(func=cmd_propose)

    p = sub.add_parser("accept", help="move confirmed proposed rows into the curated CSVs")
    p.add_argument("target", help="FORBUND/DOCUMENT (relative to data/raw) or a folder path")
    p.add_argument("--table", help="only this table (financials, member_contributions, participants, outcomes)")
    p.add_argument("--rows", help="only these line numbers of the proposed CSV, e.g. 2-10,14 (needs --table)")
    p.add_argument("--min-confidence", type=float, default=0.0, help="only rows with at least this confidence")
    p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
    p.set_defaults(func=cmd_accept)


# --- end of the curation assistant block ---


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
    add_wait_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="reconcile every document; fail on unexplained findings")
    data_options(p)
    p.add_argument("--all", action="store_true", help="list every check, also those that pass")
    p.add_argument(
        "--verbose",
        dest="list_registered",
        action="store_true",
        help="also list registered findings and skipped package rules",
    )
    p.add_argument(
        "--processed",
        default=None,
        help="processed folder whose manifest is verified, if built (default: data/processed when --raw is data/raw)",
    )
    p.add_argument("--output", help="write all check results to this CSV")
    p.set_defaults(func=cmd_validate)

    add_curation_commands(sub)
    add_reports_parser(sub)
    add_scan_parser(sub)
    add_new_parser(sub)
    return parser


def add_wait_option(parser: argparse.ArgumentParser) -> None:
    from finsam_analysis.data.lock import DEFAULT_WAIT

    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="S",
        help=f"seconds to wait for another run writing the same folder (default {DEFAULT_WAIT:g}; then exit 75)",
    )


# --------------------------------------------------------------------------- scan


def add_scan_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "scan",
        help="look for personnummer in files (default: the whole repository)",
        description=(
            "Scan text files for personnummer and samordningsnummer (every separator, with and "
            "without century). Without PATH: every file git lists in the repository (tracked or "
            "not, but not ignored), minus the globs in .personnummer-allow. Hits are shown "
            "masked. Exit 1 if any is found."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to scan")
    parser.set_defaults(func=cmd_scan)
    return parser


def cmd_scan(args: argparse.Namespace) -> int:
    from finsam_analysis.publish.scan import scan_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    findings, read = scan_paths([Path(p) for p in args.paths], paths.PROJECT_ROOT)
    for finding in findings:
        print(finding.format(), file=sys.stderr)
    if findings:
        print(
            f"FAILED: {len(findings)} personnummer in {read} file(s) scanned; remove them "
            "(never curate or commit personal data)",
            file=sys.stderr,
        )
        return 1
    print(f"no personnummer in {read} file(s)")
    return 0


# --------------------------------------------------------------------------- new


def add_new_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `new` subcommand: scaffold a document folder (data/scaffold.scaffold_document)."""
    from finsam_analysis.data.vocabulary import load_vocabulary

    kinds = load_vocabulary().words("document_kinds")  # not the loader: it imports pandera
    p = subparsers.add_parser(
        "new",
        help="scaffold data/raw/<forbund>/<document>/ from a source text, ready for curation",
        description=(
            "Create forbund.yaml (if the förbund is new), source.yaml (sha256, dates), source.txt, "
            "checks.yaml and known_discrepancies.csv, check that the folder loads, and print the "
            "header of each table. Next steps: docs/curation.md, 'One sparse document end to end'."
        ),
    )
    p.add_argument("forbund", help="förbund slug, e.g. ostra-skaraborg")
    p.add_argument("document", help="document id <kind>-<year> or <kind>-<yyyy-mm-dd>, e.g. delarsrapport-2024-08-31")
    p.add_argument("--kind", required=True, choices=kinds, help="kind of document")
    p.add_argument("--source", required=True, help="the text file the figures are typed from (copied to source.txt)")
    p.add_argument("--raw", default=str(paths.RAW_DIR), help="raw data folder (default: data/raw)")
    p.add_argument("--title", help="title as printed (default: kind and year)")
    p.add_argument("--date", help="date adopted/published YYYY-MM-DD or YYYY-MM (default: the date in the id)")
    p.add_argument(
        "--years", nargs=2, type=int, metavar=("FIRST", "LAST"), help="first and last year the figures refer to"
    )
    p.add_argument("--period", help="part of the year the document covers: helar (default) or e.g. jan-aug")
    p.add_argument("--url", help="where the document was read (required for --kind webbtext)")
    p.add_argument("--name", help="the förbund's name as printed (new förbund only)")
    p.add_argument("--org-nr", dest="org_nr", help="organisationsnummer (new förbund only)")
    p.add_argument("--county", help="county (new förbund only)")
    p.set_defaults(func=cmd_new)
    return p


def cmd_new(args) -> int:
    from finsam_analysis.data.loader import load_raw
    from finsam_analysis.data.scaffold import TODO, missing_tables, scaffold_document, table_header

    source = Path(args.source)
    if not source.is_file():
        raise FileNotFoundError(f"--source {source}: no such file")
    meta = {
        k: getattr(args, k)
        for k in ("title", "date", "years", "period", "url", "name", "org_nr", "county")
        if getattr(args, k)
    }
    try:
        folder = scaffold_document(
            Path(args.raw),
            args.forbund,
            args.document,
            args.kind,
            source.read_text(encoding="utf-8"),
            original_file=source.name,
            **meta,
        )
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    load_raw(Path(args.raw), only=[args.forbund])  # the new folder must load (CurationError otherwise)
    print(f"created {folder} (loads and validates)")
    forbund_yaml = folder.parent / "forbund.yaml"
    if TODO in forbund_yaml.read_text(encoding="utf-8"):
        print(f"next: fill in '{TODO}' and the members in {forbund_yaml}")
    print(f"next: create each table the document has in {folder} with this header and its rows (docs/curation.md):")
    for name in missing_tables(folder):
        print(f"  {name}.csv: {table_header(name)}")
    print(f"then: finsam validate --forbund {args.forbund}")
    return 0


# --------------------------------------------------------------------------- reports


def add_reports_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `reports` subcommand."""
    from finsam_analysis.publish.summary import DEFAULT_TIMEOUT

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
    parser.add_argument(
        "--forbund", action="append", metavar="SLUG", help="only this förbund (repeatable); default all"
    )
    parser.add_argument("--year", type=int, help="this year instead of each förbund's latest")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: number of CPUs)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per cell and per report (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--force", action="store_true", help="rerun unchanged reports too")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_wait_option(parser)
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=parse_param,
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
    and index are saved and the workers and their kernels are stopped).

    A run with nothing to do is decided first, from hashes and the build record only
    (publish/noop.py); anything else takes the normal path (`_render_reports`)."""
    from finsam_analysis.data import version
    from finsam_analysis.data.lock import DEFAULT_WAIT, LOCK_EXIT, LockTimeout
    from finsam_analysis.publish import noop

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    wait = getattr(args, "wait", DEFAULT_WAIT)
    try:
        extra = dict(getattr(args, "param", None) or [])
        reserved = {"forbund", "year"} & set(extra)
        if reserved:
            raise ValueError(f"use --forbund/--year, not --param, for {', '.join(sorted(reserved))}")
        request = noop.Request(tuple(dict.fromkeys(args.forbund or [])), args.year, extra)
        with version.one_digest_per_run():  # data/raw is hashed once per run
            digest = None if args.force else noop.inputs()
            key = None if digest is None else noop.run_key(request, digest)
            quick = None
            if digest is not None:
                quick = noop.unchanged_run(request, digest, jobs=args.jobs, timeout=args.timeout, wait=wait)
            if quick is not None:
                summary, comparison = quick
            else:
                outcome = _render_reports(args, request, wait)
                if isinstance(outcome, int):
                    return outcome
                summary, comparison = outcome
                noop.remember(request, key, summary, comparison)
    except LockTimeout as exc:
        print(f"error: {exc}", file=sys.stderr)
        return LOCK_EXIT
    except (ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished reports are kept, see reports/index.html", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(summary.format())
    if comparison is not None:
        print(
            f"comparison (jamforelse.html): {comparison.status}" + (f": {comparison.error}" if comparison.error else "")
        )
    if not summary.problems:
        print(f"index: {summary.out_dir / 'index.html'}")
    return summary.exit_code if comparison is None or comparison.status != "failed" else 1


def _render_reports(args: argparse.Namespace, request, wait: float):
    """The normal path of `finsam reports`: refresh data/processed, pick the targets, render
    what changed, then the comparison. (summary, comparison result), or an exit status."""
    from finsam_analysis.checks import processed
    from finsam_analysis.data.targets import resolve_targets, unreportable
    from finsam_analysis.publish.runner import run_comparison, run_reports

    extra = dict(request.parameters)
    tables = processed.refresh_processed()  # built once here; each kernel reads its förbund's rows
    # a förbund without any reportable year is never skipped silently: it is listed on the
    # index with its reason, and counts as failed when asked for by name
    without = unreportable(tables)
    asked = list(request.forbund)
    named_without = [f for f in asked if f in without]
    rest = [f for f in asked if f not in without]
    targets = resolve_targets(tables, rest, args.year) if rest or not asked else []
    if not targets and not without:
        print("error: no report targets (no förbund has outcome figures)", file=sys.stderr)
        return 2
    for forbund in named_without:
        print(f"error: {forbund}: no report: {without[forbund]}", file=sys.stderr)
    summary = run_reports(
        targets,
        jobs=args.jobs,
        timeout=args.timeout,
        force=args.force,
        progress=not args.no_progress,
        extra_parameters=extra or None,
        lock_wait=wait,
        unreportable=without,
        requested_unreportable=named_without,
    )
    # the comparison of every förbund: the default parameters only, linked from the index
    comparison = (
        run_comparison(out_dir=summary.out_dir, timeout=args.timeout, force=args.force, lock_wait=wait)
        if not extra and not summary.problems
        else None
    )
    return summary, comparison


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.func(args) or 0)
    except CurationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a clear one-line error for users; the traceback with -v
        if args.verbose:
            raise
        from finsam_analysis.checks.reconcile import RuleError
        from finsam_analysis.data.lock import LOCK_EXIT, LockTimeout

        if isinstance(exc, LockTimeout):
            print(f"error: {exc}", file=sys.stderr)
            return LOCK_EXIT
        if isinstance(exc, (RuleError, OSError, ValueError)):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
