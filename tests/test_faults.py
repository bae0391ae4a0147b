"""Faults of the environment: locks, the build swap, unwritable folders, a full disk, dead
parents, stale temp files, the record against the disk, interrupted runs.

Kernel-running tests are marked slow (a second or two each); the rest take milliseconds.
The personnummer used here is built at run time, so that no source line holds one.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from helpers import write_synthetic
from test_reports import (  # noqa: F401 - hash_inputs is an autouse fixture
    PARAMS,
    files_in,
    financials,
    hash_inputs,
    make_template,
    tables_with,
    temp_leftovers,
)

from finsam_analysis.checks import processed as checks_processed
from finsam_analysis.cli import add_reports_parser, main
from finsam_analysis.data import build, paths
from finsam_analysis.data.lock import LOCK_EXIT, LockTimeout, lock_path_for, output_lock
from finsam_analysis.document.parameters import variant
from finsam_analysis.publish import render
from finsam_analysis.publish.record import file_sha256, record_key, sweep_stale_temp_files
from finsam_analysis.publish.runner import ReportTarget, run_reports

slow = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def out(tmp_path) -> Path:
    return tmp_path / "reports"


@contextlib.contextmanager
def unwritable(folder: Path):
    """Make folder unwritable for this process: chmod for a normal user, the immutable flag
    for root (whom permission bits do not stop). Skips where neither works."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder unwritable for root here (chattr +i)")
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_dead(pids, limit: float) -> float:
    started = time.monotonic()
    while any(alive(p) for p in pids):
        if time.monotonic() - started > limit:
            break
        time.sleep(0.02)
    return time.monotonic() - started


# --------------------------------------------------------------------------- the lock


def test_a_second_holder_waits_then_gives_up_saying_who_holds_it(tmp_path, caplog):
    folder = tmp_path / "reports"
    with output_lock(folder, "finsam reports"):
        started = time.monotonic()
        with caplog.at_level(logging.WARNING), pytest.raises(LockTimeout) as info:
            with output_lock(folder, "finsam reports", wait=0.3):
                pass
        assert time.monotonic() - started >= 0.3
    message = str(info.value)
    assert f"in use by finsam reports (pid {os.getpid()}" in message and "gave up after 0.3 s" in message
    assert "waiting up to 0.3 s" in caplog.text
    assert lock_path_for(folder) == tmp_path / ".reports.lock"
    with output_lock(folder, "again", wait=0):  # released at the end of the block
        pass


def test_the_waiter_gets_the_lock_when_the_holder_finishes(tmp_path):
    folder = tmp_path / "reports"
    got = threading.Event()

    def hold():
        with output_lock(folder, "holder"):
            got.set()
            time.sleep(0.4)

    thread = threading.Thread(target=hold)
    thread.start()
    got.wait(5)
    started = time.monotonic()
    with output_lock(folder, "waiter", wait=10):
        waited = time.monotonic() - started
    thread.join()
    assert 0.2 < waited < 3


def test_a_lock_dies_with_its_holder_even_by_kill_9(tmp_path):
    folder = tmp_path / "reports"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from finsam_analysis.data.lock import output_lock
            with output_lock(Path({str(folder)!r}), "holder"):
                print("locked", flush=True)
                time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockTimeout, match=f"holder \\(pid {holder.pid}"):
            with output_lock(folder, "me", wait=0.1):
                pass
        holder.kill()
        holder.wait(10)
        with output_lock(folder, "me", wait=0):  # no stale lock
            pass
    finally:
        holder.kill()
        holder.wait(10)


def test_an_unwritable_lock_folder_is_a_clear_error(tmp_path):
    from finsam_analysis.data.lock import LockUnavailable

    with unwritable(tmp_path / "ro"):
        with pytest.raises(LockUnavailable, match="cannot create the lock file .*ro/.out.lock.*writable"):
            with output_lock(tmp_path / "ro" / "out", "x"):
                pass


# --------------------------------------------------------------------------- the build swap


@pytest.fixture(scope="module")
def small_tables(tmp_path_factory):
    return build.build_tables(write_synthetic(tmp_path_factory.mktemp("raw") / "raw"))


def test_data_processed_is_never_absent_during_builds(tmp_path, small_tables):
    out = tmp_path / "data" / "processed"
    build.write_processed(small_tables, out)
    done = threading.Event()
    errors: list[BaseException] = []

    def builder():
        try:
            for _ in range(15):
                build.write_processed(small_tables, out)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            done.set()

    threads = [threading.Thread(target=builder) for _ in range(2)]  # two builds at once
    for t in threads:
        t.start()
    looks = misses = 0
    while not done.is_set() or any(t.is_alive() for t in threads):
        looks += 1
        if not (out / "financials.csv").is_file() or not (out / "README.md").is_file():
            misses += 1
    for t in threads:
        t.join()
    assert errors == []
    assert looks > 100 and misses == 0
    assert out.is_dir() and not out.is_symlink()
    assert sorted(p.name for p in out.parent.iterdir()) == [".processed.lock", "processed"]
    assert len(build.load_processed(out).financials) == len(small_tables.financials)


def test_a_crashed_builds_staging_folder_is_removed_by_the_next(tmp_path, small_tables):
    out = tmp_path / "processed"
    leftover = tmp_path / ".processed-crashed"
    leftover.mkdir()
    (leftover / "financials.csv").write_text("half")
    build.write_processed(small_tables, out)
    assert not leftover.exists()
    assert oct(out.stat().st_mode & 0o777) != "0o700"


def test_a_second_build_waits_for_the_first_or_exits_75(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "b" / "raw")
    out = tmp_path / "processed"
    with output_lock(out, "finsam build"):
        assert main(["build", "--raw", str(raw), "--out", str(out), "--wait", "0.2"]) == LOCK_EXIT
    err = capsys.readouterr().err
    assert "is in use by finsam build (pid" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["build", "--raw", str(raw), "--out", str(out), "--wait", "0"]) == 0


def test_build_into_an_unwritable_folder_is_a_clear_error(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "b" / "raw")
    with unwritable(tmp_path / "ro"):
        assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "ro" / "processed")]) == 2
    err = capsys.readouterr().err
    assert "cannot create the lock file" in err and "Traceback" not in err


# --------------------------------------------------------------------------- unwritable reports/


def reports_cli(monkeypatch, template: Path, out: Path):
    tables = tables_with(financials())
    monkeypatch.setattr(checks_processed, "refresh_processed", lambda *a, **k: tables)
    monkeypatch.setattr(paths, "REPORT_TEMPLATE", template)
    monkeypatch.setattr(paths, "REPORTS_DIR", out)
    parser = argparse.ArgumentParser(prog="finsam")
    add_reports_parser(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(["reports", *argv])
        return args.func(args)

    return run


def test_an_unwritable_reports_folder_is_a_summary_not_a_traceback(tmp_path, out, monkeypatch, capsys):
    template = make_template(tmp_path / "t.ipynb", "pass")
    out.mkdir()
    (out / "index.html").write_text("OLD INDEX")
    with unwritable(out):
        summary = run_reports(
            [ReportTarget("alpha", 2024), ReportTarget("beta", 2023)], template=template, out_dir=out, progress=False
        )
        assert [r.status for r in summary.results] == ["failed", "failed"]
        assert summary.exit_code == 1 and summary.problems
        text = summary.format()
        assert f"cannot write {out}" in text and "writable" in text
        assert "0 ok, 2 failed" in text
        run = reports_cli(monkeypatch, template, out)
        assert run("--no-progress") == 1
    captured = capsys.readouterr()
    assert "NotWritable: cannot write" in captured.out and "Traceback" not in captured.err
    assert files_in(out) == ["index.html"] and (out / "index.html").read_text() == "OLD INDEX"


def test_a_record_that_cannot_be_saved_is_a_problem_of_the_run(tmp_path, out):
    from finsam_analysis.publish.runner import _Run

    out.mkdir()
    run = _Run(out, {"format": 1, "reports": {}}, "1x1")
    with unwritable(out):
        run.save()
        run.save()
    assert len(run.problems) == 1 and run.problems[0].startswith("build record not saved: cannot write")


@slow
def test_an_unwritable_year_folder_fails_its_reports_only(tmp_path, out):
    template = make_template(tmp_path / "t.ipynb", 'print("fine", forbund)')
    (out / "2023").mkdir(parents=True)
    (out / "2023" / "alpha.html").write_text("PREVIOUS GOOD HTML")
    with unwritable(out / "2023"):
        summary = run_reports(
            [ReportTarget("alpha", 2023), ReportTarget("beta", 2024)],
            template=template,
            out_dir=out,
            jobs=2,
            progress=False,
        )
    results = {r.target.forbund: r for r in summary.results}
    assert results["beta"].status == "ok" and results["alpha"].status == "failed"
    assert f"cannot write {out.resolve() / '2023'}" in results["alpha"].error
    assert "writable" in results["alpha"].error
    assert (out / "2023" / "alpha.html").read_text() == "PREVIOUS GOOD HTML"
    record = json.loads((out / "build-record.json").read_text())
    assert record["reports"]["2023/alpha"]["status"] == "failed"
    assert "misslyckad" in (out / "index.html").read_text()
    assert temp_leftovers(out) == []


@slow
def test_a_full_disk_fails_the_report_and_keeps_the_good_one(tmp_path, out, monkeypatch):
    template = make_template(tmp_path / "t.ipynb", 'print("new")')
    (out / "2024").mkdir(parents=True)
    (out / "2024" / "alpha.html").write_text("PREVIOUS GOOD HTML")

    def full(path, text):
        with open(path, "x") as fh:
            fh.write(text[:100])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(render, "_write_html", full)  # inherited by the forked worker
    (result,) = run_reports(
        [ReportTarget("alpha", 2024)], template=template, out_dir=out, jobs=1, progress=False
    ).results
    assert result.status == "failed" and "No space left on device" in result.error
    assert "free some disk space" in result.error
    assert (out / "2024" / "alpha.html").read_text() == "PREVIOUS GOOD HTML"
    assert temp_leftovers(out) == []


# --------------------------------------------------------------------------- stale temp files


def test_stale_temp_files_are_swept_under_the_lock_only(tmp_path, out):
    (out / "2024").mkdir(parents=True)
    stale = [out / "2024" / ".alpha.123x0a0b.1234abcd.tmp.html", out / ".build-record.9x1.ff.tmp.json"]
    for path in stale:
        path.write_text("partial")
    (out / "2024" / "alpha.html").write_text("GOOD")
    assert sweep_stale_temp_files(out) == 2
    assert files_in(out) == ["2024/alpha.html"]


# --------------------------------------------------------------------------- the record and the disk


def test_an_html_that_is_not_the_recorded_one_is_rerendered(tmp_path, out):
    from finsam_analysis.publish.runner import _Run

    target = ReportTarget("alpha", 2024)
    html = out / "2024" / "alpha.html"
    html.parent.mkdir(parents=True)
    html.write_text("the HTML of the recorded run")
    entry = {"success_hash": "h", "html_sha256": file_sha256(html)}
    run = _Run(out, {"format": 1, "reports": {"2024/alpha": entry}}, "1x1", hashes={target: "h"})
    assert run.is_unchanged(target)
    html.write_text("the HTML of another run that crashed before recording")
    assert not run.is_unchanged(target)
    del entry["html_sha256"]  # a record of an older version: render once more
    assert not run.is_unchanged(target)


# --------------------------------------------------------------------------- dead parents, signals

CHILD = textwrap.dedent("""
    import signal, sys
    from pathlib import Path
    from finsam_analysis.cli import _raise_interrupt
    from finsam_analysis.data import paths
    from finsam_analysis.publish.runner import ReportTarget, run_reports

    template, out, raw, package = map(Path, sys.argv[1:5])
    extra = {"threshold": int(sys.argv[5])} if len(sys.argv) > 5 else None
    paths.RAW_DIR, paths.PACKAGE_DIR = raw, package
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        run_reports([ReportTarget("alpha", 2024)], template=template, out_dir=out, jobs=1,
                    progress=False, extra_parameters=extra)
    except KeyboardInterrupt:
        sys.exit(130)
""")


@slow
@pytest.mark.parametrize("how", ["kill -9 parent", "kill -9 process group", "SIGTERM"])
def test_workers_and_kernels_do_not_outlive_their_parent(tmp_path, out, how):
    pids_file = tmp_path / "pids"
    template = make_template(
        tmp_path / "t.ipynb",
        f"import os, pathlib, time\npathlib.Path({str(pids_file)!r}).write_text("
        "f'{os.getpid()} {os.getppid()}')\ntime.sleep(120)",
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(template), str(out), str(paths.RAW_DIR), str(paths.PACKAGE_DIR)],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (pids_file.exists() and pids_file.read_text().strip()):
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        kernel, worker = map(int, pids_file.read_text().split())
        assert alive(kernel) and alive(worker)
        assert temp_leftovers(out)  # the run is writing its temp files
        if how == "kill -9 parent":
            os.kill(child.pid, signal.SIGKILL)
        elif how == "kill -9 process group":  # the kernel is in a session of its own
            os.killpg(child.pid, signal.SIGKILL)
        else:
            os.kill(child.pid, signal.SIGTERM)
        code = child.wait(30)
        lived = wait_dead([worker, kernel], 15)
        print(f"{how}: worker and kernel gone {lived:.2f} s after the parent")
        assert not alive(worker) and not alive(kernel)
        assert lived < 5
        if how == "SIGTERM":  # an orderly stop: record and index saved, temp files removed
            assert code == 130
            assert (out / "build-record.json").exists() and (out / "index.html").exists()
            assert temp_leftovers(out) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    if how == "kill -9 process group":
        # The dead run's temp files are swept by the next run, which publishes as usual.
        assert temp_leftovers(out)
        quick = make_template(tmp_path / "q.ipynb", "print('again')")
        (result,) = run_reports([ReportTarget("alpha", 2024)], template=quick, out_dir=out, progress=False).results
        assert result.status == "ok" and temp_leftovers(out) == []


@slow
def test_two_report_runs_at_once_leave_the_record_matching_the_html(tmp_path, out):
    """Another process renders with threshold 7 while this one renders with 5: the second to
    come waits for the lock, and whichever HTML is left is the one the record describes."""
    template = make_template(tmp_path / "t.ipynb", 'print(f"TRÖSKEL {threshold}")', params=PARAMS + "\nthreshold = 5")
    other = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(template), str(out), str(paths.RAW_DIR), str(paths.PACKAGE_DIR), "7"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        (mine,) = run_reports(
            [ReportTarget("alpha", 2024)],
            template=template,
            out_dir=out,
            jobs=1,
            progress=False,
            extra_parameters={"threshold": 5},
        ).results
        assert other.wait(60) == 0
    finally:
        other.kill()
    assert mine.status == "ok"
    record = json.loads((out / "build-record.json").read_text())["reports"]
    for threshold in (5, 7):  # each its own file (document.parameters.variant), each as recorded
        name = variant({"threshold": threshold})
        html = paths.report_file(out, "alpha", 2024, ".html", name)
        entry = record[record_key("alpha", 2024, name)]
        assert f"TRÖSKEL {threshold}" in html.read_text()
        assert entry["success_parameters"]["threshold"] == threshold == entry["parameters"]["threshold"]
        assert entry["html_sha256"] == file_sha256(html)
    assert temp_leftovers(out) == []


def test_a_build_waits_while_a_report_run_reads_data_processed(tmp_path, capsys):
    raw = write_synthetic(tmp_path / "b" / "raw")
    out = tmp_path / "b" / "processed"
    with output_lock(out, "finsam reports", shared=True), output_lock(out, "another reader", shared=True, wait=0):
        assert main(["build", "--raw", str(raw), "--out", str(out), "--wait", "0.2"]) == LOCK_EXIT
    assert "is in use by another reader (pid" in capsys.readouterr().err
    assert main(["build", "--raw", str(raw), "--out", str(out), "--wait", "0"]) == 0
    with output_lock(out, "finsam build"), pytest.raises(LockTimeout, match="in use by finsam build"):
        with output_lock(out, "finsam reports", shared=True, wait=0.1):
            pass
