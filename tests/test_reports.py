"""The papermill report runner: real kernels on tiny template notebooks built in tmp_path.

Hash inputs (paths.RAW_DIR, paths.PACKAGE_DIR) are pointed at tmp dirs by an autouse fixture,
so neither the real data nor edits to the package made in parallel change what these tests see.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from finsam_analysis.cli import add_reports_parser
from finsam_analysis.data import paths
from finsam_analysis.data.build import TABLE_FILES, Tables, empty_table
from finsam_analysis.data.targets import resolve_targets, unreportable
from finsam_analysis.document.parameters import variant
from finsam_analysis.publish.index import render_index
from finsam_analysis.publish.record import inputs_digest, target_hash
from finsam_analysis.publish.runner import (
    ReportResult,
    ReportTarget,
    RunSummary,
    run_reports,
)

PARAMS = 'forbund = "x"\nyear = 2024'
slow = pytest.mark.slow  # starts Jupyter kernels (about a second per report)


def make_template(path: Path, *cells: str, params: str = PARAMS) -> Path:
    """A notebook with a `parameters` cell, the given code cells and full kernel metadata."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    parameters = new_code_cell(params)
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("# Rapport"), parameters, *(new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def files_in(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


def temp_leftovers(directory: Path) -> list[str]:
    return [name for name in files_in(directory) if Path(name).name.startswith(".")]


def by_forbund(summary: RunSummary) -> dict[str, ReportResult]:
    return {r.target.forbund: r for r in summary.results}


@pytest.fixture(autouse=True)
def hash_inputs(tmp_path, monkeypatch):
    """Point the inputs hash at a tiny raw folder and package folder of our own."""
    raw = tmp_path / "raw"
    (raw / "alpha").mkdir(parents=True)
    (raw / "alpha" / "financials.csv").write_text("year,value\n2024,1\n", encoding="utf-8")
    package = tmp_path / "package"
    package.mkdir()
    (package / "measures.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    # Anything not passed explicitly must not land in the real reports/ folder.
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "default-reports")
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", tmp_path / "no-such-template.ipynb")
    return SimpleNamespace(raw=raw, package=package)


@pytest.fixture()
def out(tmp_path) -> Path:
    return tmp_path / "reports"


@pytest.fixture()
def counter(tmp_path) -> Path:
    return tmp_path / "executions.txt"


@pytest.fixture()
def counting_template(tmp_path, counter) -> Path:
    """Prints its parameters and appends one line per execution to `counter`."""
    return make_template(
        tmp_path / "counting.ipynb",
        f"with open({str(counter)!r}, 'a') as fh:\n    fh.write(forbund + '\\n')",
        'print(f"RAPPORT {forbund} {year} tröskel {threshold}")',
        params=PARAMS + "\nthreshold = 5",
    )


def executions(counter: Path) -> list[str]:
    return counter.read_text().split() if counter.exists() else []


# --------------------------------------------------------------------------- a good run


@slow
def test_good_run_writes_notebook_and_html_without_code(tmp_path, out):
    template = make_template(
        tmp_path / "t.ipynb",
        "secret_code_name = f'RESULTAT {forbund}-{year}'\nprint(secret_code_name)",
    )
    summary = run_reports([ReportTarget("alpha", 2023)], template=template, out_dir=out, jobs=1, progress=False)

    assert [(r.target, r.status, r.error) for r in summary.results] == [(ReportTarget("alpha", 2023), "ok", None)]
    assert summary.ok and summary.exit_code == 0
    assert files_in(out) == [
        "2023/alpha.html",
        "2023/alpha.ipynb",
        "build-record.json",
        "index.html",
    ]
    nb = nbformat.read(out / "2023" / "alpha.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'forbund = "alpha"' in injected[0].source
    assert "year = 2023" in injected[0].source
    assert nb.cells[-1].outputs[0]["text"] == "RESULTAT alpha-2023\n"

    html = (out / "2023" / "alpha.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)  # highlighted code is split into <span>s
    assert "RESULTAT alpha-2023" in text  # the output is there ...
    assert "secret_code_name" not in html  # ... the code is not
    assert 'class="jp-CodeMirrorEditor' not in html
    assert "forbund" not in text  # nor the parameter cells (the title says "alpha 2023")
    assert ">Rapport<" in html  # markdown (the report text) stays

    record = json.loads((out / "build-record.json").read_text(encoding="utf-8"))
    entry = record["reports"]["2023/alpha"]
    assert entry["status"] == "ok" and entry["success_hash"] == entry["inputs_hash"]
    assert entry["parameters"] == {"forbund": "alpha", "year": 2023}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Analysdokument</title>" in index and 'href="2023/alpha.html"' in index


# --------------------------------------------------------------------------- validation first


@pytest.mark.parametrize(
    ("extra", "params", "message"),
    [
        ({"thresold": 3}, PARAMS + "\nthreshold = 5", r"unknown parameter\(s\) \['thresold'\]"),
        ({}, 'forbund = "x"', r"unknown parameter\(s\) \['year'\]"),
        ({"year": 2020}, PARAMS, "must not set"),
        ({"threshold": object()}, PARAMS + "\nthreshold = 5", "JSON"),
    ],
)
def test_bad_parameters_raise_before_anything_is_written(tmp_path, out, extra, params, message):
    template = make_template(tmp_path / "t.ipynb", "pass", params=params)
    with pytest.raises(ValueError, match=message):
        run_reports(
            [ReportTarget("alpha", 2024)], template=template, out_dir=out, extra_parameters=extra, progress=False
        )
    assert not out.exists()


def test_template_without_parameters_cell_is_refused(tmp_path, out):
    template = tmp_path / "t.ipynb"
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}})
    nb.cells = [new_code_cell('forbund = "x"')]  # not tagged
    nbformat.write(nb, template)
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False)
    assert not out.exists()


@pytest.mark.parametrize("forbund", ["../alpha", "alpha/beta", "..", "/etc", "Alpha", "alpha beta", "", "-alpha", "å"])
def test_path_like_or_odd_forbund_is_refused(tmp_path, out, forbund):
    template = make_template(tmp_path / "t.ipynb", "pass")
    with pytest.raises(ValueError, match="slug"):
        ReportTarget(forbund, 2024)
    with pytest.raises(ValueError, match="slug"):
        run_reports([(forbund, 2024)], template=template, out_dir=out, progress=False)
    assert not out.exists()


@pytest.mark.parametrize("year", ["2024", 2024.0, True, 24])
def test_year_must_be_an_int_of_four_digits(year):
    with pytest.raises(ValueError, match="year"):
        ReportTarget("alpha", year)


def test_missing_template_is_an_error(tmp_path, out):
    with pytest.raises(FileNotFoundError, match="no-such"):
        run_reports([ReportTarget("alpha", 2024)], out_dir=out, progress=False)
    assert not out.exists()


# --------------------------------------------------------------------------- failure isolation


@slow
def test_one_failing_report_does_not_stop_the_others(tmp_path, out):
    template = make_template(
        tmp_path / "t.ipynb",
        'print("start", forbund)',
        'if forbund == "bad":\n    raise ValueError("boom in " + forbund)\nprint("fine")',
        'if forbund == "dead": __import__("os")._exit(1)',
    )
    year_dir = out / "2024"
    year_dir.mkdir(parents=True)
    (year_dir / "bad.html").write_text("PREVIOUS GOOD HTML", encoding="utf-8")
    (year_dir / "bad.ipynb").write_text("PREVIOUS GOOD NOTEBOOK", encoding="utf-8")
    before = (year_dir / "bad.html").stat().st_mtime_ns

    summary = run_reports(
        [ReportTarget("good", 2024), ReportTarget("bad", 2024), ReportTarget("dead", 2024)],
        template=template,
        out_dir=out,
        jobs=2,
        progress=False,
    )

    results = by_forbund(summary)
    assert [r.target.forbund for r in summary.results] == ["good", "bad", "dead"]  # input order
    assert {f: r.status for f, r in results.items()} == {
        "good": "ok",
        "bad": "failed",
        "dead": "failed",
    }
    assert not summary.ok and summary.exit_code == 1
    bad = results["bad"]
    assert bad.ename == "ValueError" and bad.error == "ValueError: boom in bad"
    assert bad.failing_cell.startswith('cell 4: if forbund == "bad":')
    assert "raise ValueError" in bad.failing_cell
    dead = results["dead"]
    assert dead.ename == "DeadKernelError" and "_exit(1)" in dead.failing_cell

    # The failing target's previous good files are untouched; its notebook is kept aside.
    assert (year_dir / "bad.html").read_text(encoding="utf-8") == "PREVIOUS GOOD HTML"
    assert (year_dir / "bad.html").stat().st_mtime_ns == before
    assert (year_dir / "bad.ipynb").read_text(encoding="utf-8") == "PREVIOUS GOOD NOTEBOOK"
    failed_nb = nbformat.read(year_dir / "bad.failed.ipynb", as_version=4)
    outputs = [o for c in failed_nb.cells for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ValueError" for o in outputs)
    assert (year_dir / "good.html").exists() and not (year_dir / "good.failed.ipynb").exists()
    assert not (year_dir / "dead.html").exists()
    assert temp_leftovers(out) == []

    text = summary.format()
    assert "ValueError: boom in bad" in text and "1 ok, 2 failed, 0 unchanged" in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("misslyckad</span>") == 2 and "boom in bad" in index
    record = json.loads((out / "build-record.json").read_text(encoding="utf-8"))
    assert record["reports"]["2024/bad"]["success_hash"] is None
    assert record["reports"]["2024/bad"]["error"] == "ValueError: boom in bad"


@slow
def test_a_later_success_replaces_files_and_clears_the_failed_notebook(tmp_path, out, counter):
    template = make_template(
        tmp_path / "t.ipynb",
        f"import pathlib\nif not pathlib.Path({str(counter)!r}).exists():\n"
        "    raise RuntimeError('no flag yet')\nprint('now fine')",
    )
    first = run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False)
    assert first.results[0].status == "failed"
    assert (out / "2024" / "alpha.failed.ipynb").exists()
    counter.write_text("flag")
    second = run_reports(
        [ReportTarget("alpha", 2024)], template=template, out_dir=out, progress=False
    )  # same inputs, but no success yet: must run
    assert second.results[0].status == "ok"
    assert not (out / "2024" / "alpha.failed.ipynb").exists()
    assert "now fine" in (out / "2024" / "alpha.html").read_text(encoding="utf-8")


@slow
def test_timeout_is_reported_as_failed(tmp_path, out):
    template = make_template(tmp_path / "t.ipynb", "import time\ntime.sleep(60)")
    started = time.monotonic()
    summary = run_reports([ReportTarget("slow", 2024)], template=template, out_dir=out, timeout=2, progress=False)
    assert time.monotonic() - started < 30
    (result,) = summary.results
    assert result.status == "failed" and result.ename == "CellTimeoutError"
    assert "2 s" in result.error and "time.sleep(60)" in result.failing_cell
    assert summary.exit_code == 1
    assert not (out / "2024" / "slow.html").exists()
    assert (out / "2024" / "slow.failed.ipynb").exists()


@slow
def test_wall_limit_covers_the_whole_report(tmp_path, out):
    # Each cell stays under the per-cell timeout, together they exceed the report's limit.
    template = make_template(tmp_path / "t.ipynb", *(["import time\ntime.sleep(0.8)"] * 4))
    summary = run_reports([ReportTarget("slow", 2024)], template=template, out_dir=out, timeout=2.5, progress=False)
    (result,) = summary.results
    assert result.status == "failed" and "wall limit of 2.5 s" in result.error
    assert result.seconds < 8


@slow
def test_a_worker_that_dies_fails_only_its_own_report(tmp_path, out):
    # The kernel kills its parent, the pool worker: the pool breaks, the runner retries the
    # affected reports one by one and only the culprit fails.
    template = make_template(
        tmp_path / "t.ipynb",
        'import os, signal, time\nif forbund == "killer":\n'
        "    os.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(0.5)\nprint('done')",
    )
    summary = run_reports(
        [ReportTarget("killer", 2024), ReportTarget("alpha", 2024)],
        template=template,
        out_dir=out,
        jobs=2,
        progress=False,
    )
    statuses = {r.target.forbund: (r.status, r.ename) for r in summary.results}
    assert statuses == {"killer": ("failed", "WorkerDied"), "alpha": ("ok", None)}
    assert temp_leftovers(out) == []


@slow
def test_runs_with_forkserver_workers_too(tmp_path, out, monkeypatch):
    # What the runner falls back to when the caller has threads (e.g. inside Jupyter).
    import multiprocessing

    from finsam_analysis.publish import runner as reports

    monkeypatch.setattr(reports, "_mp_context", lambda: multiprocessing.get_context("forkserver"))
    template = make_template(tmp_path / "t.ipynb", 'print("via", forbund)')
    summary = run_reports(
        [ReportTarget("alpha", 2024), ReportTarget("beta", 2024)],
        template=template,
        out_dir=out,
        jobs=2,
        progress=False,
    )
    assert [r.status for r in summary.results] == ["ok", "ok"]
    assert "via beta" in (out / "2024" / "beta.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- incremental


@slow
def test_unchanged_inputs_skip_and_force_reruns(out, counting_template, counter):
    targets = [ReportTarget("alpha", 2024), ReportTarget("beta", 2024)]
    first = run_reports(targets, template=counting_template, out_dir=out, jobs=2, progress=False)
    assert [r.status for r in first.results] == ["ok", "ok"]
    assert sorted(executions(counter)) == ["alpha", "beta"]
    html = out / "2024" / "alpha.html"
    mtime = html.stat().st_mtime_ns

    second = run_reports(targets, template=counting_template, out_dir=out, jobs=2, progress=False)
    assert [r.status for r in second.results] == ["unchanged", "unchanged"]
    assert second.ok and second.exit_code == 0
    assert sorted(executions(counter)) == ["alpha", "beta"]  # no kernel ran
    assert html.stat().st_mtime_ns == mtime
    assert (out / "index.html").read_text(encoding="utf-8").count("oförändrad</span>") == 2

    third = run_reports(targets[:1], template=counting_template, out_dir=out, force=True, progress=False)
    assert [r.status for r in third.results] == ["ok"]
    assert sorted(executions(counter)) == ["alpha", "alpha", "beta"]
    assert html.stat().st_mtime_ns != mtime


@slow
def test_changed_parameter_reruns(out, counting_template, counter):
    target = [ReportTarget("alpha", 2024)]

    def run(**extra):
        return (
            run_reports(target, template=counting_template, out_dir=out, extra_parameters=extra, progress=False)
            .results[0]
            .status
        )

    assert run(threshold=5) == "ok"
    assert run(threshold=5) == "unchanged"
    assert run(threshold=7) == "ok"
    assert executions(counter) == ["alpha", "alpha"]
    # other parameters than the defaults have files of their own (document.parameters.variant)
    html = paths.report_file(out, "alpha", 2024, ".html", variant({"threshold": 7})).read_text(encoding="utf-8")
    assert "RAPPORT alpha 2024 tröskel 7" in html
    assert "tröskel 5" in (out / "2024" / "alpha--threshold-5.html").read_text(encoding="utf-8")


@slow
def test_changed_data_code_or_template_reruns(out, counting_template, counter, hash_inputs):
    target = [ReportTarget("alpha", 2024)]

    def run():
        return run_reports(target, template=counting_template, out_dir=out, progress=False).results[0].status

    assert run() == "ok"
    assert run() == "unchanged"
    (hash_inputs.raw / "alpha" / "financials.csv").write_text("year,value\n2024,2\n")
    assert run() == "ok"
    (hash_inputs.package / "measures.py").write_text("X = 2\n")
    assert run() == "ok"
    nb = nbformat.read(counting_template, as_version=4)
    nb.cells.append(new_markdown_cell("Ny text"))
    nbformat.write(nb, counting_template)
    assert run() == "ok"
    assert run() == "unchanged"
    (out / "2024" / "alpha.html").unlink()  # a missing document is rebuilt
    assert run() == "ok"
    (out / "build-record.json").write_text("{not json")  # unreadable record: rebuild all
    assert run() == "ok"
    assert len(executions(counter)) == 6


def test_inputs_digest_covers_raw_files_package_code_and_template(tmp_path, hash_inputs):
    template = make_template(tmp_path / "t.ipynb", "pass")
    digest = lambda: inputs_digest(paths.RAW_DIR, paths.PACKAGE_DIR, template)  # noqa: E731
    base = digest()
    assert digest() == base
    cache = hash_inputs.package / "__pycache__"
    cache.mkdir()
    (cache / "measures.cpython-311.pyc").write_bytes(b"\0")
    (hash_inputs.package / "notes.txt").write_text("not code")
    assert digest() == base  # neither bytecode nor other files of the package count
    (hash_inputs.package / "vocabulary.yaml").write_text("a: 1\n")
    changed = digest()
    assert changed != base
    html_template = hash_inputs.package / "publish" / "templates" / "finsam" / "index.html.j2"
    html_template.parent.mkdir(parents=True)
    html_template.write_text("{%- extends 'lab/index.html.j2' -%}\n")
    assert digest() != changed  # editing the HTML template re-renders every report
    changed = digest()
    (hash_inputs.raw / "alpha" / "financials.csv").rename(hash_inputs.raw / "alpha" / "other.csv")
    assert digest() != changed  # a renamed file counts, not only its bytes
    p1 = {"forbund": "alpha", "year": 2024}
    assert target_hash(base, p1) == target_hash(base, dict(reversed(p1.items())))
    assert target_hash(base, p1) != target_hash(base, {**p1, "year": 2023})


def test_kernel_log_keeps_only_what_is_not_noise(tmp_path):
    from finsam_analysis.publish.render import _keep_log

    final = tmp_path / "alpha.log"
    final.write_text("stale log of an earlier run")
    tmp = tmp_path / ".alpha.tok.tmp.log"
    tmp.write_text(
        "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All ...\n"
        "KeyboardInterrupt caught in kernel\n"
    )
    assert _keep_log(tmp, final) is None
    assert not final.exists() and not tmp.exists()
    tmp.write_text("KeyboardInterrupt caught in kernel\nERROR papermill: Kernel died\n")
    assert _keep_log(tmp, final) == final
    assert final.read_text() == "ERROR papermill: Kernel died\n" and not tmp.exists()


# --------------------------------------------------------------------------- index and summary


def test_index_is_deterministic_and_ordered(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "beta.html").write_text("x")
    (tmp_path / "2024" / "beta.failed.ipynb").write_text("{}")
    record = {
        "format": 1,
        "reports": {
            "2023/alpha": {"forbund": "alpha", "year": 2023, "status": "ok"},
            "2024/beta": {
                "forbund": "beta",
                "year": 2024,
                "status": "failed",
                "error": "ValueError: <b>",
                "failing_cell": "cell 3: x = 1",
            },
            "2024/alpha": {"forbund": "alpha", "year": 2024, "status": "unchanged"},
        },
    }
    page = render_index(record, tmp_path)
    assert page == render_index(dict(record), tmp_path)
    rows = [line for line in page.splitlines() if line.startswith("<tr><td>")]
    assert [r.split("</td>")[0][8:] + r.split("</td>")[1][4:] for r in rows] == [
        "alpha2024",
        "beta2024",
        "alpha2023",
    ]
    assert "ValueError: &lt;b&gt;" in page and "cell 3: x = 1" in page  # escaped
    assert 'href="2024/beta.html">senaste lyckade rapport' in page
    assert 'href="2024/beta.failed.ipynb"' in page
    assert "oförändrad" in rows[0] and "saknas" in rows[0]  # no HTML on disk for alpha 2024
    for word in ("Förbund", "År", "Status", "Länk"):
        assert f"<th>{word}</th>" in page


def test_summary_format_and_exit_code():
    a, b = ReportTarget("alpha", 2024), ReportTarget("beta", 2023)
    summary = RunSummary(
        [
            ReportResult(a, "ok", 2.5),
            ReportResult(b, "failed", 1.0, "KeyError: 'x'", "cell 3: df['x']", "KeyError"),
        ],
        seconds=3.5,
    )
    lines = summary.format().splitlines()
    assert lines[0].split() == ["förbund", "year", "status", "seconds", "error"]
    assert lines[2].split() == ["alpha", "2024", "ok", "2.5"]
    assert lines[3].startswith("beta") and "KeyError: 'x' [cell 3: df['x']]" in lines[3]
    assert lines[-1] == "2 report(s): 1 ok, 1 failed, 0 unchanged in 3.5 s"
    assert not summary.ok and summary.exit_code == 1
    assert RunSummary([ReportResult(a, "unchanged")]).exit_code == 0


# --------------------------------------------------------------------------- targets and CLI


def financials() -> pd.DataFrame:
    rows = [
        ("alpha", 2023, "utfall"),
        ("alpha", 2024, "utfall"),
        ("alpha", 2025, "budget"),
        ("beta", 2022, "utfall"),
        ("beta", 2023, "prognos"),
        ("gamma", 2024, "budget"),
    ]
    return pd.DataFrame(rows, columns=["forbund", "year", "basis"])


def tables_with(fin: pd.DataFrame) -> Tables:
    """Tables holding only these financials (every other table empty)."""
    frames = {name: empty_table(name) for name in TABLE_FILES if name not in ("sources", "forbund", "members")}
    frames["financials"] = fin
    forbund = pd.DataFrame({"forbund": sorted(fin["forbund"].unique()), "name": "x", "org_nr": "", "county": ""})
    empty = pd.DataFrame()
    return Tables(**frames, sources=empty, forbund=forbund, members=empty)


def test_default_targets_take_each_forbunds_latest_utfall_year():
    assert resolve_targets(tables_with(financials())) == [
        ReportTarget("alpha", 2024),
        ReportTarget("beta", 2022),
    ]
    # a förbund with budget figures only is not silently dropped: it has a stated reason
    assert list(unreportable(tables_with(financials()))) == ["gamma"]
    with pytest.raises(KeyError, match="basis"):
        resolve_targets(tables_with(financials().drop(columns="basis")))


@pytest.fixture()
def cli(monkeypatch, tmp_path, counting_template):
    tables = tables_with(financials())
    from finsam_analysis.checks import processed

    monkeypatch.setattr(processed, "refresh_processed", lambda *a, **k: tables)
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", counting_template)
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "cli-reports")
    parser = argparse.ArgumentParser(prog="finsam")
    add_reports_parser(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(["reports", *argv])
        return args.func(args)

    return SimpleNamespace(run=run, parser=parser, out=tmp_path / "cli-reports")


def test_cli_options_parse(cli):
    args = cli.parser.parse_args(
        [
            "reports",
            "--forbund",
            "alpha",
            "--forbund",
            "beta",
            "--year",
            "2024",
            "--jobs",
            "3",
            "--timeout",
            "30",
            "--force",
            "--no-progress",
        ]
    )
    assert (args.forbund, args.year, args.jobs, args.timeout, args.force, args.no_progress) == (
        ["alpha", "beta"],
        2024,
        3,
        30.0,
        True,
        True,
    )
    defaults = cli.parser.parse_args(["reports"])
    assert (defaults.forbund, defaults.year, defaults.jobs, defaults.timeout) == (None, None, None, 600.0)


@slow
def test_cli_runs_default_targets_and_skips_unchanged(cli, counter, capsys):
    assert cli.run("--no-progress", "--jobs", "2") == 0
    assert sorted(executions(counter)) == ["alpha", "beta"]
    assert (cli.out / "2024" / "alpha.html").exists() and (cli.out / "2022" / "beta.html").exists()
    assert cli.run("--no-progress", "--forbund", "alpha") == 0
    assert "0 ok, 0 failed, 1 unchanged" in capsys.readouterr().out
    assert cli.run("--no-progress", "--forbund", "alpha", "--year", "2023", "--force") == 0
    assert (cli.out / "2023" / "alpha.html").exists()


def test_cli_refuses_unknown_forbund_or_year_listing_what_exists(cli, capsys):
    assert cli.run("--forbund", "delta") == 2
    err = capsys.readouterr().err
    assert "unknown förbund 'delta'" in err and "alpha, beta, gamma" in err
    assert cli.run("--forbund", "alpha", "--year", "2019") == 2
    # the runner's rule is the template's: only years with outcome figures (2025 is budget only)
    assert "years with data: 2023, 2024" in capsys.readouterr().err
    assert cli.run("--forbund", "../alpha") == 2
    assert not cli.out.exists()


def test_cli_lists_a_forbund_without_reportable_years_with_its_reason(cli, capsys):
    """gamma has budget figures only: never skipped silently, and a failure when asked for."""
    assert cli.run("--no-progress", "--forbund", "gamma") == 1
    captured = capsys.readouterr()
    assert "gamma: no report: Förbundets dokument har bara budget- eller prognossiffror, inga utfall." in captured.err
    assert "gamma" in captured.out and "1 förbund without a report" in captured.out
    page = (cli.out / "index.html").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("<tr><td>gamma</td>"))
    assert "ingen rapport" in row and "bara budget- eller prognossiffror" in row


def test_index_lists_unreportable_forbund(tmp_path):
    record = {
        "format": 1,
        "reports": {"2024/alpha": {"forbund": "alpha", "year": 2024, "status": "ok"}},
        "unreportable": {"omega": "Förbundet har ännu inget dokument (lägg till ett med finsam new)."},
    }
    rows = [line for line in render_index(record, tmp_path).splitlines() if line.startswith("<tr><td>")]
    assert [r.split("</td>")[0][8:] for r in rows] == ["alpha", "omega"]
    assert "ingen rapport" in rows[1] and "finsam new" in rows[1]


@slow
def test_cli_exit_code_is_one_when_a_report_fails(cli, tmp_path, monkeypatch, capsys):
    failing = make_template(tmp_path / "f.ipynb", 'raise KeyError("saknas")')
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", failing)
    assert cli.run("--no-progress", "--forbund", "beta") == 1
    out = capsys.readouterr().out
    assert "failed" in out and "KeyError: 'saknas'" in out and "cell 3: raise KeyError" in out


def test_html_export_carries_plot_alt_text_and_hides_code():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from finsam_analysis.publish.render import export_html

    image = new_output(
        "display_data",
        data={"image/png": "iVBORw0KGgo=", "text/plain": "<Image>"},
        metadata={"image/png": {"alt": "Eget kapital mot riktvärdet"}},
    )
    nb = new_notebook(cells=[new_code_cell("secret_code = 1", outputs=[image])])
    html = export_html(nb, "test")
    assert 'alt="Eget kapital mot riktvärdet"' in html
    assert "secret_code" not in html


@slow
@pytest.mark.parametrize(
    ("cell", "error"),
    [("x = 1", None), ("1 / 0", "PapermillExecutionError"), ("import time\ntime.sleep(60)", "Timeout")],
)
def test_engine_writes_the_output_notebook_once(tmp_path, monkeypatch, cell, error):
    """The report engine writes the output notebook once (not as each cell starts and ends),
    and still leaves it behind when a cell fails or the run is stopped by a timeout."""
    import papermill
    import papermill.engines
    import papermill.execute

    from finsam_analysis.publish import engine

    writes = []
    for module in (papermill.engines, papermill.execute, engine):
        original = module.write_ipynb
        monkeypatch.setattr(module, "write_ipynb", lambda nb, path, _w=original: (writes.append(path), _w(nb, path)))
    template = make_template(tmp_path / "t.ipynb", "a = 1", "b = 2", cell)
    output = tmp_path / "out.ipynb"
    try:
        papermill.execute_notebook(
            str(template),
            str(output),
            kernel_name="python3",
            engine_name=engine.register(),
            progress_bar=False,
            execution_timeout=3,
        )
        raised = None
    except Exception as exc:  # noqa: BLE001 - the test names what it expects
        raised = type(exc).__name__
    assert (raised is None) == (error is None) and (error is None or error in raised)
    assert writes == [str(output)]
    executed = nbformat.read(output, as_version=4)
    assert executed.cells[2].outputs == [] and executed.cells[2].execution_count is not None
