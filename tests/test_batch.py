"""Writing batch results: columns kept in order, JSON Lines and standard streams, the Excel CSV
(opened in LibreOffice where it is installed), `-o` complete or not at all (Ctrl-C included),
`--jobs`, exit codes, and `classify_frame` on a pandas partition."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import classify, office_convert, run_installed

CLASSIFY = Path(sys.executable).parent / "classify"
CLASSES = ("CPO", "PO", "PM", "OTHER")
RESULT_COLUMNS = ["label", "confidence", *(f"prob_{c}" for c in CLASSES), "evidence", "error"]
HEADER = ["Référence", "Entreprise", "Intitulé", "Ville", "Description"]
POSTINGS = [
    ["FR-001", "Société Générale", "Chief Product Officer (H/F)", "Paris 9e",
     "<p>Rattaché(e) au CEO, vous définissez la <b>vision produit</b> et la stratégie.</p>\n"
     "<ul>\n<li>Encadrer les équipes produit</li>\n<li>Piloter la roadmap ; arbitrer les priorités</li>\n</ul>"],
    ["FR-002", "Crédit Agricole", "Product Owner – Paiements", "Montpellier",
     "Au sein d’une équipe Scrum, vous rédigez les user stories et priorisez le backlog (prime : 3 k€)."],
    ["FR-003", "L’Oréal", "Product Manager", "Clichy",
     "<h2>Vos missions</h2>\n<p>Analyser le marché, recueillir les besoins clients et définir la roadmap "
     "du produit « Facturation ».</p>"],
    ["FR-004", "Œuvre d’Orient", "Comptable", "Paris",
     "Saisie des factures, lettrage, clôtures mensuelles.\n"
     "Maîtrise d’Excel exigée ; le cœur du métier : la rigueur, très appréciée."],
]
EMPTY = ["FR-005", "Décathlon", "", "Lille", ""]
RAGGED = ["FR-006", "Thales", "Product Owner"]

csv.field_size_limit(sys.maxsize)


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_table(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes(csv_bytes([HEADER, *rows]))
    return path


def parse(text: str, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert all(len(r) == len(records[0]) for r in records), "one field per column on every row"
    return records[0], [dict(zip(records[0], r)) for r in records[1:]]


def number(value) -> float:
    """A probability as written: a JSON number, "0.9940", or "0,9940" in the Excel CSV."""
    return float(str(value).replace(",", "."))


def assert_classified(row: dict) -> None:
    assert row["error"] == "", row["error"]
    assert row["label"] in CLASSES
    probabilities = [number(row[f"prob_{c}"]) for c in CLASSES]
    assert sum(probabilities) == pytest.approx(1, abs=1e-3)
    assert row["confidence"] == row[f"prob_{row['label']}"]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".classify-partial-" in p.name)


# -- columns -------------------------------------------------------------------------------


def test_every_input_column_kept_in_order_then_the_results(tmp_path):
    path = write_table(tmp_path / "offres.csv", POSTINGS)
    done = classify(str(path))
    assert done.returncode == 0, done.stderr
    header, rows = parse(done.stdout)
    assert header == HEADER + RESULT_COLUMNS
    assert [[r[h] for h in HEADER] for r in rows] == POSTINGS
    for row in rows:
        assert_classified(row)


def test_an_input_label_column_is_not_overwritten(tmp_path):
    """Labelled data (a `label` column) keeps its labels; the prediction goes to `label_pred`."""
    header = ["id", "label", "titre", "description"]
    inputs = [[p[0], label, p[2], p[4]] for p, label in zip(POSTINGS, CLASSES)]
    path = tmp_path / "étiquetées.csv"
    path.write_bytes(csv_bytes([header, *inputs]))
    done = classify(str(path))
    out_header, rows = parse(done.stdout)
    assert out_header == header + ["label_pred", *RESULT_COLUMNS[1:]]
    assert [r["label"] for r in rows] == list(CLASSES)
    assert all(r["label_pred"] in CLASSES for r in rows)


# -- JSON Lines and standard streams ---------------------------------------------------------


def test_jsonl_from_stdin_to_stdout_with_an_invalid_line():
    keys = ["id", "intitulé", "description", "salaire"]
    objects = [dict(zip(keys, [p[0], p[2], p[4], {"min": 45000, "devise": "€"}])) for p in POSTINGS]
    lines = [json.dumps(o, ensure_ascii=False) for o in objects]
    lines.insert(2, '{"id": "FR-999", "intitulé": "Product Owner", "description": "Backlog')
    done = classify("-", "--input-format", "jsonl", "-o", "-", input=("\n".join(lines) + "\n").encode())
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 5
    assert [o.get("id") for o in out] == ["FR-001", "FR-002", None, "FR-003", "FR-004"]
    assert out[2]["error"].startswith("not valid JSON") and out[2]["label"] == ""
    assert out[2]["_raw"] == lines[2]  # the line as read, so the row can be traced back
    for o, original in zip(out[:2] + out[3:], objects):
        assert list(o) == keys + RESULT_COLUMNS
        assert (o["intitulé"], o["description"]) == (original["intitulé"], original["description"])
        assert o["salaire"] == {"min": 45000, "devise": "€"}  # values kept as they were, not stringified
        assert_classified(o)
    assert "« Facturation »" in done.stdout  # written as UTF-8, not \u escapes
    assert done.stderr.strip().splitlines()[-1] == "classify: 5 rows, 1 with errors (see the error column)"


def test_csv_from_stdin_as_jsonl():
    done = classify("-", "--input-format", "csv", "--format", "jsonl", input=csv_bytes([HEADER, *POSTINGS, EMPTY]))
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["Référence"] for o in out] == ["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]
    assert [[o[h] for h in HEADER] for o in out[:4]] == POSTINGS
    assert "empty text" in out[4]["error"]


# -- Excel -------------------------------------------------------------------------------------


def test_excel_csv_has_a_bom_and_semicolons(tmp_path):
    path = write_table(tmp_path / "offres.csv", [*POSTINGS, EMPTY])
    output = tmp_path / "pour_excel.csv"
    done = classify(str(path), "--excel", "-o", str(output))
    assert done.returncode == 1 and done.stdout == ""
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")[1:]
    assert text.splitlines()[0] == ";".join(HEADER + RESULT_COLUMNS)
    header, rows = parse(text, ";")
    assert header == HEADER + RESULT_COLUMNS
    assert [[r[h] for h in HEADER] for r in rows] == [*POSTINGS, EMPTY]
    for row in rows[:4]:
        assert_classified(row)
        assert "," in row["confidence"] and "." not in row["confidence"]  # French Excel's decimal comma
    assert "empty text" in rows[4]["error"]


def test_excel_csv_opens_in_libreoffice(tmp_path):
    """LibreOffice reads the `--excel` file with the settings its import dialog takes for a French
    CSV (';', UTF-8): the BOM is not part of the first cell, accents and multi-line HTML cells come
    back intact, one column per field; it is written back as a plain UTF-8 CSV to compare."""
    path = write_table(tmp_path / "offres.csv", [*POSTINGS, EMPTY])
    excel = tmp_path / "pour_excel.csv"
    assert classify(str(path), "--excel", "-o", str(excel)).returncode == 1
    result = office_convert(excel, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "converted",
                            infilter="CSV:59,34,76,1,,1036")
    header, rows = parse(result.read_text(encoding="utf-8"))
    assert header == HEADER + RESULT_COLUMNS
    assert [[r[h] for h in HEADER] for r in rows] == [*POSTINGS, EMPTY]
    _, ours = parse(excel.read_text(encoding="utf-8-sig"), ";")
    for theirs, mine in zip(rows, ours):
        assert (theirs["label"], theirs["evidence"], theirs["error"]) == (mine["label"], mine["evidence"], mine["error"])
        for c in ("confidence", *(f"prob_{c}" for c in CLASSES)):  # read as numbers, with a French decimal comma
            assert (number(theirs[c]) if theirs[c] else None) == pytest.approx(number(mine[c]) if mine[c] else None, abs=1e-4)


# -- -o: complete or not at all -------------------------------------------------------------------


def test_output_file_is_written_whole(tmp_path):
    path = write_table(tmp_path / "offres.csv", POSTINGS)
    out_dir = tmp_path / "résultats"
    out_dir.mkdir()
    output = out_dir / "classées.csv"
    done = classify(str(path), "-o", str(output))
    assert done.returncode == 0 and done.stdout == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["classées.csv"]
    assert output.read_text(encoding="utf-8") == classify(str(path)).stdout
    reference = out_dir / "reference"
    reference.write_text("")
    assert output.stat().st_mode == reference.stat().st_mode  # the permissions of any new file, not owner-only


def test_failed_run_leaves_an_existing_output_alone(tmp_path):
    path = tmp_path / "sans_texte.csv"
    path.write_bytes(csv_bytes([["Référence", "Entreprise", "Ville"], ["FR-001", "Acme", "Nantes"]]))
    output = tmp_path / "classées.csv"
    output.write_text("résultat d'hier\n", encoding="utf-8")
    done = classify(str(path), "-o", str(output))
    assert done.returncode == 3 and done.stdout == ""
    assert output.read_text(encoding="utf-8") == "résultat d'hier\n"
    assert leftovers(tmp_path) == []


def test_output_in_a_missing_directory(tmp_path):
    path = write_table(tmp_path / "offres.csv", POSTINGS)
    done = classify(str(path), "-o", str(tmp_path / "absent" / "out.csv"))
    assert done.returncode == 6 and done.stdout == ""
    assert done.stderr.strip().splitlines()[-1].startswith("classify: error: ")
    assert "does not exist" in done.stderr


BIG_ROWS = 100_000  # a run long enough (about 20 s) that an interrupt always lands in it


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "offres.csv"
    rows = [[f"FR-{i:05d}", *POSTINGS[i % len(POSTINGS)][1:]] for i in range(BIG_ROWS)]
    return write_table(path, rows)


def _wait_for_rows_written(process: subprocess.Popen, directory: Path, deadline: float = 120) -> None:
    """Until the temporary output file exists and holds rows (its first buffer was flushed)."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        if process.poll() is not None:
            pytest.fail(f"classify ended (exit {process.returncode}) before it could be interrupted")
        if any(p.stat().st_size > 0 for p in directory.glob(".*.classify-partial-*")):
            return
        time.sleep(0.05)
    pytest.fail("no rows were written to a partial file in time")


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_half_way_leaves_nothing(big_csv, tmp_path, jobs):
    """SIGINT to the process group, as Ctrl-C in a terminal sends it, once rows are being written:
    no output file, no temporary file, exit code 130 and the number of rows done on standard error."""
    out_dir = tmp_path / "sortie"
    out_dir.mkdir()
    output = out_dir / "classées.csv"
    # as from a terminal: SIGINT handled by default even when this test runs where it is ignored (a
    # shell's background job inherits SIGINT ignored, and Python keeps an inherited SIG_IGN)
    process = subprocess.Popen([str(CLASSIFY), str(big_csv), "-o", str(output), "--jobs", jobs],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for_rows_written(process, out_dir)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    stderr = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, stderr
    assert stdout == b""
    assert list(out_dir.iterdir()) == []
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    found = re.fullmatch(r"classify: error: interrupted after ([\d,]+) rows; (.+) was not written", last)
    assert found, last
    assert 0 < int(found[1].replace(",", "")) < BIG_ROWS
    assert found[2] == str(output)


# -- jobs and exit codes ------------------------------------------------------------------------


@pytest.mark.slow
def test_two_jobs_give_the_same_output_as_one(tmp_path):
    """Enough rows for several chunks in flight on each process, bad rows among them (the installed
    command: worker processes are forked from it)."""
    rows = []
    for i in range(300):
        posting = [f"FR-{i:04d}", *POSTINGS[i % len(POSTINGS)][1:]]
        rows.append(posting if i % 37 else [posting[0], "Décathlon", "", "Lille", ""])
    rows[150] = [rows[150][0], "Thales", "Product Owner"]
    path = write_table(tmp_path / "offres.csv", rows)
    one, two = tmp_path / "un.csv", tmp_path / "deux.csv"
    done_one = run_installed("classify", str(path), "-o", str(one), "--jobs", "1")
    done_two = run_installed("classify", str(path), "-o", str(two), "--jobs", "2")
    assert done_one.returncode == done_two.returncode == 1
    assert one.read_bytes() == two.read_bytes()
    _, out = parse(one.read_text(encoding="utf-8"))
    assert [r["Référence"] for r in out] == [r[0] for r in rows]
    assert sum(bool(r["error"]) for r in out) == 10


@pytest.mark.parametrize("rows, code, summary", [
    (POSTINGS, 0, "classify: 4 rows classified"),
    ([POSTINGS[0], EMPTY, POSTINGS[1], RAGGED, POSTINGS[2]], 1, "classify: 5 rows, 2 with errors (see the error column)"),
])
def test_exit_code_and_summary_line(tmp_path, rows, code, summary):
    path = write_table(tmp_path / "offres.csv", rows)
    done = classify(str(path))
    assert done.returncode == code
    assert done.stderr.strip().splitlines()[-1] == summary
    _, out = parse(done.stdout)
    assert [r["Référence"] for r in out] == [r[0] for r in rows]


# -- pandas --------------------------------------------------------------------------------------


def test_classify_frame_on_a_partition():
    """A later partition (index 40…45) of a labelled frame: rows, index and input columns kept,
    the true labels not overwritten, the results added."""
    pandas = pytest.importorskip("pandas")
    from classifier.batch import classify_frame

    frame = pandas.DataFrame(
        {"id": [p[0] for p in POSTINGS] + ["FR-005", "FR-006"],
         "label": ["CPO", "PO", "PM", "OTHER", "PO", "PM"],
         "intitulé": [p[2] for p in POSTINGS] + [None, "Product Manager"],
         "description": [p[4] for p in POSTINGS] + [float("nan"), ""]},
        index=pandas.RangeIndex(40, 46))
    original = frame.copy()
    out = classify_frame(frame, "description", "intitulé")
    pandas.testing.assert_frame_equal(frame, original)
    assert list(out.columns) == list(frame.columns) + ["label_pred", *RESULT_COLUMNS[1:]]
    assert out.index.equals(frame.index)
    pandas.testing.assert_frame_equal(out[list(frame.columns)], frame)
    for _, row in out.iloc[[0, 1, 2, 3]].iterrows():
        assert_classified({**row, "label": row["label_pred"]})
    for index in (44, 45):  # no text (NaN, ""), even with a title: an error, not a guess
        assert out.loc[index, "error"] == "empty text in column 'description'" and out.loc[index, "label_pred"] == ""


# -- standard output, killed runs (issue 9) -------------------------------------------------------


def test_run_batch_to_standard_output_leaves_it_open(tmp_path, monkeypatch):
    from classifier.batch import run_batch

    path = write_table(tmp_path / "offres.csv", POSTINGS)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    summary = run_batch(str(path), "csv", None, "csv", quiet=True)
    assert (summary.rows, summary.errors) == (4, 0)
    assert not stdout.closed
    print("still open")
    stdout.flush()
    assert stdout.buffer.getvalue().decode("utf-8").endswith("still open\n")


@pytest.mark.slow
def test_after_sigkill_workers_exit_quietly_and_the_next_run_removes_the_partial_file(big_csv, tmp_path):
    out_dir = tmp_path / "sortie"
    out_dir.mkdir()
    output = out_dir / "classées.csv"
    process = subprocess.Popen([str(CLASSIFY), str(big_csv), "-o", str(output), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_rows_written(process, out_dir)
        process.kill()
        _, stderr = process.communicate(timeout=60)  # returns once the workers closed the pipe too
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert stderr.decode("utf-8", "replace") == ""
    assert leftovers(out_dir) == [f".classées.csv.classify-partial-{process.pid}"]
    small = write_table(tmp_path / "petit.csv", POSTINGS[:1])
    assert classify(str(small), "-o", str(out_dir / "autre.csv")).returncode == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["autre.csv"]
