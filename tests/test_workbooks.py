"""Excel workbooks (.xlsx) in and out of `classify`, `classify-evaluate`: rows as a sheet holds them
(a blank row above the header, typed cells, empty rows, a formula-looking text), one output row per
input row in order, the input's values kept with their types, and clear errors for what is no
workbook."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from classifier.errors import InputError
from classifier.workbooks import EXCEL_CELL_CHARACTERS, cell_text, read_workbook
from conftest import classify, office_convert, run

PO_TEXT = "Vous priorisez le backlog, rédigez les user stories et animez les sprints avec l'équipe de développement."
ACCOUNTANT_TEXT = "Vous tenez la comptabilité fournisseurs, préparez les clôtures mensuelles et les déclarations de TVA."
PM_TEXT = "Vous construisez la roadmap produit, menez la discovery avec les utilisateurs et suivez les KPIs du produit."


def _export(path, rows, sheets=None):
    """A workbook as an ATS export holds one: a blank first row, then the header and the rows; text
    cells that start with "=" stored as text, as Excel stores what was typed after a quote."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Offres"
    sheet.append([])
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for name, extra in (sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


HEADER = ["Référence", "Intitulé du poste", "Descriptif", "Publiée le", "Salaire"]
PUBLISHED = dt.datetime(2026, 11, 3)


@pytest.fixture()
def export(tmp_path):
    return _export(tmp_path / "export ATS.xlsx", [
        HEADER,
        [1001, "Product Owner (H/F)", PO_TEXT, PUBLISHED, 52000],
        [None, None, None, None, None],  # an empty row: skipped, as a blank CSV line
        [1002, "Comptable", "=" + ACCOUNTANT_TEXT, dt.datetime(2026, 11, 4, 9, 30), 41000.5],
        [1003, "Chef de produit", None, None, None],
        [1004, "Chef·fe de produit", PM_TEXT, None, None, "une note hors colonnes"],
    ])


def test_a_workbook_in_gives_a_workbook_out_row_for_row_with_the_values_kept(export, tmp_path):
    out = tmp_path / "classées.xlsx"
    done = classify(str(export), "-o", str(out), "-q")
    assert done.returncode == 1, done.stderr  # two rows have errors, the others are classified
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:5]) == HEADER and rows[0][5:] == ("label", "confidence", "prob_CPO", "prob_PO", "prob_PM",
                                                           "prob_OTHER", "evidence", "error")
    assert [r[0] for r in rows[1:]] == [1001, 1002, 1003, 1004]
    first, accountant, empty, extra = (dict(zip(rows[0], r)) for r in rows[1:])
    assert first["Publiée le"] == PUBLISHED and first["Salaire"] == 52000
    assert first["label"] == "PO" and not first["error"]
    assert sum(first[f"prob_{c}"] for c in ("CPO", "PO", "PM", "OTHER")) == pytest.approx(1, abs=1e-3)
    assert accountant["label"] == "OTHER" and accountant["Descriptif"] == "=" + ACCOUNTANT_TEXT
    assert sheet.cell(3, 3).data_type == "s"  # a text, not a formula
    assert empty["label"] is None and empty["error"] == "empty text in column 'Descriptif'"
    assert extra["label"] is None and "une note hors colonnes" in extra["error"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M5"
    assert sheet.cell(2, 7).number_format == "0.0%"


def test_a_workbook_in_gives_csv_on_standard_output(export):
    done = classify(str(export), "-q")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Référence,Intitulé du poste,Descriptif,Publiée le,Salaire,label,")
    assert lines[1].startswith("1001,Product Owner (H/F),") and ",2026-11-03,52000,PO," in lines[1]
    assert ",2026-11-04 09:30:00,41000.5,OTHER," in lines[2]
    assert len(lines) == 5


def test_the_sheet_is_chosen_by_name_or_number(tmp_path):
    path = _export(tmp_path / "deux.xlsx", [["titre", "texte"], ["Comptable", ACCOUNTANT_TEXT]],
                   sheets={"Produit": [["texte"], [PM_TEXT]]})
    by_name, by_number = classify(str(path), "--sheet", "Produit", "-q"), classify(str(path), "--sheet", "2", "-q")
    assert by_name.stdout == by_number.stdout
    assert list(csv.DictReader(io.StringIO(by_name.stdout)))[0]["label"] == "PM"
    assert classify(str(path), "-q").stdout.splitlines()[1].startswith("Comptable,")
    missing = classify(str(path), "--sheet", "Archives")
    assert missing.returncode == 3
    assert missing.stderr.strip().endswith("no sheet 'Archives'; the workbook has: Offres, Produit")


def test_csv_in_workbook_out_cuts_what_a_cell_cannot_hold(tmp_path):
    source = tmp_path / "long.csv"
    long_text = PO_TEXT + " " + "Détails du contexte. " * 2_000
    source.write_text(f"texte;note\n\"{long_text}\";a\x01b\n", encoding="utf-8")
    out = tmp_path / "long.xlsx"
    assert classify(str(source), "-o", str(out), "-q").returncode == 0
    row = next(openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert len(row[0]) == EXCEL_CELL_CHARACTERS and row[0].endswith("…") and row[1] == "ab"
    assert row[2] == "PO"


@pytest.mark.parametrize("suffix, expected", [(".jsonl", "json"), (".tsv", "\t"), (".csv", ",")])
def test_the_output_format_follows_the_output_files_extension(tmp_path, suffix, expected):
    source = tmp_path / "in.csv"
    source.write_text(f"titre;description\nProduct Owner;{PO_TEXT}\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    assert classify(str(source), "-o", str(out), "-q").returncode == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    if expected == "json":
        assert json.loads(first)["label"] == "PO"
    else:
        assert first.split(expected)[:3] == ["titre", "description", "label"]


def test_evaluate_reads_a_labelled_workbook(tmp_path):
    path = _export(tmp_path / "étiquetées.xlsx", [["id", "texte", "label"], ["a", PO_TEXT, "PO"],
                                                  ["b", ACCOUNTANT_TEXT, "OTHER"], ["c", PM_TEXT, "PM"]])
    done = run("classify-evaluate", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_written"]["combined"]["accuracy"] == 1.0


@pytest.mark.parametrize("name, content, message", [
    ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "an Excel 97-2003 workbook (.xls) cannot be read: save it as .xlsx or CSV first"),
    ("faux.xlsx", "titre;description\nComptable;Vous tenez la comptabilité.\n".encode(), "not a readable Excel workbook (.xlsx)"),
    ("vide.xlsx", None, "vide.xlsx, sheet 'Offres' is empty: no header row"),
])
def test_what_is_no_readable_workbook_is_one_line_and_exit_3(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        _export(path, [])
    else:
        path.write_bytes(content)
    done = classify(str(path))
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


@pytest.mark.parametrize("args, message", [
    (["--excel", "-o", "out.xlsx"], "--excel is for CSV output"),
    (["--encoding", "cp1252"], "--encoding and --delimiter are for text files"),
])
def test_options_that_do_not_fit_a_workbook_are_usage_errors(export, tmp_path, args, message):
    done = classify(str(export), *[str(tmp_path / a) if a.endswith(".xlsx") else a for a in args])
    assert done.returncode == 2 and message in done.stderr


def test_the_sheet_option_is_for_workbooks(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"description\n{PO_TEXT}\n", encoding="utf-8")
    done = classify(str(source), "--sheet", "1")
    assert done.returncode == 2 and "--sheet is for Excel workbooks" in done.stderr


def test_a_damaged_sheet_stops_the_run_with_one_line_and_no_output(export, tmp_path):
    damaged = tmp_path / "abîmé.xlsx"
    with zipfile.ZipFile(export) as source, zipfile.ZipFile(damaged, "w") as copy:
        for member in source.infolist():
            data = source.read(member.filename)
            copy.writestr(member, data[:len(data) // 2] if member.filename == "xl/worksheets/sheet1.xml" else data)
    out = tmp_path / "out.csv"
    done = classify(str(damaged), "-o", str(out))
    assert done.returncode == 3 and not out.exists()
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"classify: error: {damaged}: the sheet breaks off, the file is damaged: ")


def test_a_workbook_that_would_unpack_to_too_much_is_refused_before_it_is_read(export):
    with zipfile.ZipFile(export) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    assert read_workbook(export, {}, most_unpacked=unpacked)[0] == HEADER
    with pytest.raises(InputError, match=f"would unpack to more than {unpacked - 1:,} bytes"):
        read_workbook(export, {}, most_unpacked=unpacked - 1)


@pytest.mark.parametrize("value, text", [(None, ""), ("Chef·fe", "Chef·fe"), (12345, "12345"), (12345.0, "12345"),
                                         (0.5, "0.5"), (True, "TRUE"), (dt.datetime(2026, 1, 2), "2026-01-02"),
                                         (dt.datetime(2026, 1, 2, 8, 5), "2026-01-02 08:05:00"),
                                         (dt.time(8, 5), "08:05:00")])
def test_cells_read_as_a_csv_export_of_them_would_hold_them(value, text):
    assert cell_text(value) == text


LIBREOFFICE_ROWS = [["Référence", "Intitulé", "Descriptif"],
                    ["FR-01", "Product Owner (H/F)", PO_TEXT + "\nProfil : trois ans d’expérience."],
                    ["FR-02", "Comptable", ACCOUNTANT_TEXT],
                    ["FR-03", "Chef·fe de produit", PM_TEXT],
                    ["FR-04", "Sans texte", ""]]


def _csv_file(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_workbook_saved_by_a_spreadsheet_is_read_as_its_csv(tmp_path):
    """A workbook as LibreOffice Calc saves it (shared strings, styles, its own used range) gives the
    rows the same CSV gives."""
    source = _csv_file(tmp_path / "offres.csv", LIBREOFFICE_ROWS)
    saved = office_convert(source, "xlsx", tmp_path / "saved", infilter="CSV:44,34,76,1")
    from_csv, from_workbook = classify(str(source), "-q"), classify(str(saved), "-q")
    assert from_csv.returncode == from_workbook.returncode == 1  # the row without a text
    assert from_workbook.stdout == from_csv.stdout
    assert [r["label"] for r in csv.DictReader(io.StringIO(from_workbook.stdout))] == ["PO", "OTHER", "PM", ""]


def test_our_workbook_opens_in_a_spreadsheet(tmp_path):
    """LibreOffice Calc opens the output workbook: every cell as written, the probabilities shown as
    percentages of the numbers in the CSV output."""
    source = _csv_file(tmp_path / "offres.csv", LIBREOFFICE_ROWS)
    ours = tmp_path / "classées.xlsx"
    assert classify(str(source), "-o", str(ours), "-q").returncode == 1
    shown = office_convert(ours, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "shown")
    theirs = list(csv.DictReader(io.StringIO(shown.read_text(encoding="utf-8"))))
    expected = list(csv.DictReader(io.StringIO(classify(str(source), "-q").stdout)))
    assert [list(r) for r in theirs] == [list(r) for r in expected]
    for seen, written in zip(theirs, expected):
        for column in ("Référence", "Intitulé", "Descriptif", "label", "evidence", "error"):
            assert seen[column] == written[column], column
        for column in ("confidence", "prob_CPO", "prob_PO", "prob_PM", "prob_OTHER"):
            shown_value = float(seen[column].rstrip("%")) / 100 if seen[column] else None
            assert shown_value == (pytest.approx(float(written[column]), abs=0.001) if written[column] else None)


def test_a_damaged_workbook_reads_or_gets_a_one_line_error(export):
    """300 damaged copies (seeded) of a workbook: each is read to its last row, or refused with
    InputError; never another exception."""
    import random

    from test_documents import _damaged

    data = export.read_bytes()
    rng = random.Random(7)
    refused = 0
    for _ in range(300):
        try:
            header, _, rows = read_workbook(io.BytesIO(_damaged(data, rng)), {}, None, "copie")
            assert all(row.number for row in rows)
        except InputError as error:
            refused += 1
            assert str(error).startswith("copie: ") and "\n" not in str(error)
    assert refused > 0


def test_the_shipped_example_workbook_reads_as_the_example_csv():
    """examples/postings.xlsx is examples/postings.csv as LibreOffice Calc saved it."""
    from conftest import ROOT

    workbook, table = classify(str(ROOT / "examples" / "postings.xlsx"), "-q"), classify(str(ROOT / "examples" / "postings.csv"), "-q")
    assert workbook.returncode == table.returncode == 0 and workbook.stdout == table.stdout


def test_numbers_a_workbook_cannot_hold_exactly_are_written_as_text(tmp_path):
    """An id of 19 digits (Excel keeps 15) and JSON's NaN and Infinity keep what they were."""
    source = tmp_path / "offres.jsonl"
    source.write_text('{"id": 1234567890123456789, "score": NaN, "poids": Infinity, "n": 42, '
                      f'"description": "{PO_TEXT}"}}\n', encoding="utf-8")
    out = tmp_path / "offres.xlsx"
    assert classify(str(source), "-o", str(out), "-q").returncode == 0
    row = dict(zip(*openpyxl.load_workbook(out).active.iter_rows(values_only=True)))
    assert (row["id"], row["score"], row["poids"], row["n"]) == ("1234567890123456789", "nan", "inf", 42)


def test_a_table_longer_than_a_sheet_is_not_cut_short(tmp_path, monkeypatch):
    """Past the rows a sheet holds (1,048,576; three here), the run stops with exit 6 and no file,
    rather than leave a workbook whose last rows a spreadsheet drops."""
    from classifier import workbooks

    monkeypatch.setattr(workbooks, "EXCEL_ROWS", 3)
    source = tmp_path / "offres.csv"
    source.write_text("description\n" + f"{PO_TEXT}\n" * 3, encoding="utf-8")
    out = tmp_path / "offres.xlsx"
    done = classify(str(source), "-o", str(out))
    assert done.returncode == 6 and not out.exists() and not list(tmp_path.glob(".*partial*"))
    assert "a workbook holds at most 3 rows, header included: write this table as CSV" in done.stderr


def test_a_title_row_above_the_header_and_a_hidden_first_sheet_are_passed_over(tmp_path):
    """As exports write them: a hidden sheet of lists first, then a sheet whose first row is a title
    ("Export des offres — mars"), a blank row, then the header."""
    book = openpyxl.Workbook()
    book.active.title = "Listes"
    book.active.append(["Pays"])
    book.active.sheet_state = "hidden"
    offers = book.create_sheet("Offres")
    for row in (["Export des offres — mars 2026"], [], HEADER[:3], [1, "Product Owner", PO_TEXT], [2, "Comptable", ACCOUNTANT_TEXT]):
        offers.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    rows = list(csv.DictReader(io.StringIO(classify(str(path), "-q").stdout)))
    assert [(r["Référence"], r["label"]) for r in rows] == [("1", "PO"), ("2", "OTHER")]
    assert classify(str(path), "--sheet", "Listes").stderr.strip().endswith(
        "export.xlsx, sheet 'Listes': no text column found (use --text-column); the header has: Pays")
