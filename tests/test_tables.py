"""Reading tables as real exports are: encodings, delimiters, quoted multi-line HTML cells, bad rows,
column detection. Each file goes through the `classify` command (in-process), and each run must give
one output row per input row, in order, bad rows marked in `error` and good rows classified."""
from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
import sys

import pytest

from classifier.tables import detect_encoding, read_csv, resolve_columns, sniff_delimiter
from conftest import classify

CLASSES = ("CPO", "PO", "PM", "OTHER")
RESULT_COLUMNS = ["label", "confidence", *(f"prob_{c}" for c in CLASSES), "evidence", "error"]
HEADER = ["Réf", "Intitulé du poste", "Descriptif du poste"]
POSTINGS = [
    ["FR-001", "Chief Product Officer (H/F)",
     "<p>Rattaché(e) au CEO, vous définissez la <b>vision produit</b> et la stratégie de l’ensemble de la gamme.</p>\n"
     "<ul>\n<li>Encadrer les équipes produit (12 personnes)</li>\n<li>Piloter la roadmap et arbitrer les priorités</li>\n</ul>"],
    ["FR-002", "Product Owner – Paiements",
     "Au sein d’une équipe Scrum, vous rédigez les user stories, priorisez le backlog et validez les livrables "
     "avec les développeurs ; rémunération 55 k€."],
    ["FR-003", "Product Manager",
     "<h2>Vos missions</h2>\n<p>Analyser le marché, recueillir les besoins clients et définir la roadmap du produit "
     "« Facturation ».</p>\n<p>Poste \"clé\" ; statut cadre.</p>"],
    ["FR-004", "Comptable fournisseurs",
     "Saisie des factures, lettrage des comptes, préparation des clôtures mensuelles.\n"
     "Maîtrise d’Excel exigée ; le cœur du métier : la rigueur, très appréciée."],
]

csv.field_size_limit(sys.maxsize)


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode(encoding)


def output_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of the CSV that `classify` writes (UTF-8, comma)."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0]
    assert all(len(r) == len(header) for r in records[1:]), "every output row has one field per column"
    return header, [dict(zip(header, r)) for r in records[1:]]


def assert_classified(row: dict[str, str]) -> None:
    assert row["error"] == "", row["error"]
    assert row["label"] in CLASSES
    probabilities = [float(row[f"prob_{c}"]) for c in CLASSES]
    assert sum(probabilities) == pytest.approx(1, abs=1e-3)
    assert row["confidence"] == row[f"prob_{row['label']}"]
    assert float(row["confidence"]) == max(probabilities)
    assert row["evidence"]


def assert_failed(row: dict[str, str], fragment: str) -> None:
    assert fragment in row["error"]
    assert all(row[c] == "" for c in RESULT_COLUMNS if c != "error")


def check_run(done: subprocess.CompletedProcess, inputs: list[list[str]], bad: dict[str, str], header=HEADER) -> list[dict]:
    """One output row per input row, in input order, input cells kept, bad rows (id → error fragment)
    failed with the exit code and summary line saying how many, the others classified."""
    assert done.returncode == (1 if bad else 0), done.stderr
    out_header, rows = output_rows(done.stdout)
    assert out_header == header + RESULT_COLUMNS
    assert [r[header[0]] for r in rows] == [i[0] for i in inputs]
    for row, cells in zip(rows, inputs):
        if row[header[0]] in bad:
            assert_failed(row, bad[row[header[0]]])
        else:
            assert [row[h] for h in header] == cells
            assert_classified(row)
    summary = done.stderr.strip().splitlines()[-1]
    assert summary == (f"classify: {len(inputs)} rows, {len(bad)} with errors (see the error column)" if bad
                       else f"classify: {len(inputs)} rows classified")
    return rows


# -- encodings and delimiters ------------------------------------------------------------

EMPTY = ["FR-005", "", ""]
TITLE_ONLY = ["FR-006", "Product Owner", ""]


@pytest.mark.parametrize("name, delimiter, encoding, suffix", [
    ("french excel: ';' and UTF-8 BOM", ";", "utf-8-sig", ".csv"),
    ("old excel: cp1252", ";", "cp1252", ".csv"),
    ("UTF-16 with BOM, tab", "\t", "utf-16", ".csv"),
    ("tab-separated", "\t", "utf-8", ".tsv"),
    ("pipe-separated", "|", "utf-8", ".csv"),
    ("comma, LF", ",", "utf-8", ".csv"),
])
def test_encodings_and_delimiters(tmp_path, name, delimiter, encoding, suffix):
    """Every common export: the encoding and the delimiter are detected, quoted multi-line HTML cells
    with the delimiter and quotes inside come back intact, accents (é è œ € ’ «») included. A row
    with no text is in error, even with a title: a title alone is not a posting."""
    inputs = [*POSTINGS[:2], EMPTY, TITLE_ONLY, *POSTINGS[2:]]
    path = tmp_path / f"offres{suffix}"
    path.write_bytes(csv_bytes([HEADER, *inputs], delimiter, encoding, "\n" if name == "comma, LF" else "\r\n"))
    rows = check_run(classify(str(path)), inputs, {"FR-005": "empty text", "FR-006": "empty text"})
    assert rows[3]["Intitulé du poste"] == "Product Owner" and rows[3]["label"] == ""


def test_delimiter_option_when_the_header_misleads_sniffing(tmp_path):
    """A ';' file whose header holds more commas than semicolons: sniffed wrong, so no text
    column is found; `--delimiter ';'` reads it."""
    header = ["Réf", "Poste, niveau, lieu, contrat", "Description"]
    inputs = [r[:] for r in POSTINGS[:3]]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes([header, *inputs], ";"))
    assert classify(str(path)).returncode == 3
    check_run(classify(str(path), "--delimiter", ";"), inputs, {}, header)


# -- bad rows --------------------------------------------------------------------------------


@pytest.mark.parametrize("name, bad_row, error", [
    ("empty text cell", ["FR-005", "", "   "], "empty text"),
    ("too few fields", ["FR-005", "Product Owner"], "row has 2 fields, the header has 3"),
    ("too many fields", ["FR-005", "Product Owner", "Backlog et user stories", "Paris", "CDI"],
     "row has 5 fields, the header has 3"),
])
def test_bad_row_is_marked_and_the_run_goes_on(tmp_path, name, bad_row, error):
    inputs = [*POSTINGS[:2], bad_row, *POSTINGS[2:]]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes([HEADER, *inputs], ";", "utf-8-sig"))
    check_run(classify(str(path)), inputs, {"FR-005": error})


def test_nul_byte_inside_a_cell(tmp_path):
    """A NUL byte is no reason to take the file for binary or lose the row: it is classified, kept as is."""
    inputs = [*POSTINGS[:2], ["FR-005", "Product Owner", "Vous gérez le backlog\x00 et rédigez les user stories."],
              *POSTINGS[2:]]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes([HEADER, *inputs], ";", "utf-8-sig"))
    check_run(classify(str(path)), inputs, {})


def test_five_megabyte_cell(tmp_path):
    paragraph = ("<p>Vous définissez la vision produit, pilotez la roadmap et encadrez les équipes produit ; "
                 "vous présentez la stratégie au comité de direction.</p>\n")
    huge = (paragraph * (5 * 2**20 // len(paragraph) + 1))[:5 * 2**20]
    inputs = [POSTINGS[0], ["FR-005", "Chief Product Officer", huge], POSTINGS[1]]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes([HEADER, *inputs], ";", "utf-8-sig"))
    rows = check_run(classify(str(path)), inputs, {"FR-005": "posting too long"})  # read and kept, over the limit
    assert len(rows[1]["Descriptif du poste"]) == 5 * 2**20


def _padding(count: int, accents: bool = True) -> list[list[str]]:
    """`count` long postings (about 3 kB each), to push a row past the encoding sample (64 kB)."""
    text = (POSTINGS[1][2] + " ") * 16 if accents else "Gestion du backlog produit, animation des ceremonies Scrum. " * 50
    return [[f"PAD-{i:03d}", "Product Owner", text] for i in range(count)]


@pytest.mark.parametrize("padding", [0, 30], ids=["in the sample", "after the sample"])
def test_stray_cp1252_byte_in_a_utf8_file(tmp_path, padding):
    """A UTF-8 export with one cell pasted from a cp1252 source: that row is in error and points to
    --encoding; every other row is read as UTF-8, accents intact, and classified."""
    inputs = [*POSTINGS[:2], *_padding(padding), ["FR-005", "Chef de projet", "Coordonne les STRAYquipes terrain."],
              *POSTINGS[2:]]
    raw = csv_bytes([HEADER, *inputs], ";").replace(b"STRAY", "é".encode("cp1252"))
    path = tmp_path / "offres.csv"
    path.write_bytes(raw)
    rows = check_run(classify(str(path)), inputs, {"FR-005": "--encoding"})
    stray = rows[2 + padding]
    assert stray["Réf"] == "FR-005" and stray["Descriptif du poste"] == "Coordonne les \ufffdquipes terrain."


def test_encoding_option_overrides_detection(tmp_path):
    """A cp1252 file whose first 64 kB are plain ASCII is taken for UTF-8: its accented rows are in
    error with a hint; `--encoding cp1252` reads them all."""
    inputs = [*_padding(30, accents=False), *POSTINGS]
    header = ["Ref", "Titre", "Description"]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes([header, *inputs], ";", "cp1252"))
    check_run(classify(str(path)), inputs, {p[0]: "(try --encoding)" for p in POSTINGS}, header)
    check_run(classify(str(path), "--encoding", "cp1252"), inputs, {}, header)


def test_detect_encoding():
    text = "Réf;Intitulé;Descriptif\nFR-001;Chef de produit;Le cœur de l’offre : 45 k€\n"
    assert detect_encoding(codecs.BOM_UTF8 + text.encode()) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-16")) == "utf-16"
    assert detect_encoding(text.encode("cp1252")) == "cp1252"
    assert detect_encoding(text.encode()) == "utf-8"
    assert detect_encoding(text.encode()[:-len(" 45 k€\n".encode()) + 2]) == "utf-8"  # cut inside "€"
    assert detect_encoding(text.encode().replace("é".encode(), "é".encode("cp1252"), 1)) == "utf-8"  # one stray byte
    assert detect_encoding(b"id;description\n1;Chef de projet") == "utf-8"


@pytest.mark.parametrize("line, delimiter", [("id;titre;description", ";"), ("id,titre,description", ","),
                                             ("id\ttitre\tdescription", "\t"), ("id|titre|description", "|"),
                                             ("description", ",")])
def test_sniff_delimiter(line, delimiter):
    assert sniff_delimiter(line) == delimiter


# -- columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header, text, title, id_", [
    (["Référence", "Intitulé du poste", "Descriptif du poste"], "Descriptif du poste", "Intitulé du poste", "Référence"),
    (["id", "titre", "description"], "description", "titre", "id"),
    (["Entreprise", "Intitulé", "Ville", "Descriptif"], "Descriptif", "Intitulé", None),
    (["job_id", "title", "job_description"], "job_description", "title", "job_id"),
    (["ID", "Job Title", "Job Description", "Salary"], "Job Description", "Job Title", "ID"),
    (["Numéro", "Libellé du poste", "Texte de l'annonce"], "Texte de l'annonce", "Libellé du poste", "Numéro"),
    (["DESCRIPTION"], "DESCRIPTION", None, None),
])
def test_columns_found_by_common_names(header, text, title, id_):
    columns = resolve_columns(header, {})
    assert (columns.text, columns.title, columns.id) == (text, title, id_)


def test_detected_columns_feed_text_and_title():
    content = "Entreprise;Intitulé;Ville;Descriptif\r\nAcme;Product Owner;Lyon;\"Backlog,\r\nuser stories\"\r\n"
    header, columns, rows = read_csv(io.StringIO(content, newline=""), "utf-8", None, {})
    (row,) = list(rows)
    assert header == ["Entreprise", "Intitulé", "Ville", "Descriptif"]
    assert (row.title, row.text, row.error) == ("Product Owner", "Backlog,\r\nuser stories", "")


def test_explicit_column_wins_over_a_known_name():
    content = "id,description,texte complet\n7,Résumé court,Annonce complète : backlog et user stories\n"
    _, columns, rows = read_csv(io.StringIO(content, newline=""), "utf-8", None, {"text": "texte complet"})
    assert columns.text == "texte complet"
    assert next(rows).text == "Annonce complète : backlog et user stories"


def test_explicit_columns_on_the_command_line(tmp_path):
    header = ["Code offre", "Nom", "Texte annonce complet"]
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([header, *POSTINGS], ";", "utf-8-sig"))
    refused = classify(str(path))
    assert refused.returncode == 3 and refused.stdout == ""
    done = classify(str(path), "--text-column", "Texte annonce complet", "--title-column", "Nom", "--id-column", "Code offre")
    check_run(done, POSTINGS, {}, header)
    unknown = classify(str(path), "--text-column", "Texte annonce complet", "--id-column", "Identifiant")
    assert unknown.returncode == 3 and unknown.stdout == ""
    assert unknown.stderr.strip() == ("classify: error: no column 'Identifiant' for the id; "
                                      "the header has: Code offre, Nom, Texte annonce complet")


def test_no_text_column_is_one_clear_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([["Réf", "Entreprise", "Ville", "Salaire"], ["FR-001", "Acme", "Nantes", "55 k€"]], ";",
                               "utf-8-sig"))
    done = classify(str(path))
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "classify: error: no text column found (use --text-column); the header has: Réf, Entreprise, Ville, Salaire"]


# -- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_with_bad_lines(tmp_path):
    """A line that is not JSON, one that is not an object and a null text each give an error row in place."""
    keys = ["id", "title", "job_description", "tags"]
    good = [dict(zip(keys, [p[0], p[1], p[2], ["CDI", "Île-de-France"]])) for p in POSTINGS]
    lines = [json.dumps(good[0], ensure_ascii=False), '{"id": "FR-BAD", "title": "Product Owner", "job_',
             json.dumps(good[1], ensure_ascii=False), "[1, 2]", json.dumps(good[2]),
             json.dumps({"id": "FR-NULL", "title": None, "job_description": None, "tags": []}),
             json.dumps(good[3], ensure_ascii=False)]
    path = tmp_path / "offres.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = classify(str(path))
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["FR-001", None, "FR-002", None, "FR-003", "FR-NULL", "FR-004"]
    assert out[1]["error"].startswith("not valid JSON") and out[1]["label"] == ""
    assert out[3]["error"] == "not a JSON object" and out[3]["label"] == "" and out[3]["_raw"] == "[1, 2]"
    assert "empty text" in out[5]["error"] and out[5]["label"] == ""
    for o, posting in zip([out[0], out[2], out[4], out[6]], good):
        assert list(o) == keys + RESULT_COLUMNS
        assert (o["title"], o["job_description"]) == (posting["title"], posting["job_description"])
        assert o["tags"] == ["CDI", "Île-de-France"]  # values kept as they were
        assert_classified(o)
    assert done.stderr.strip().splitlines()[-1] == "classify: 7 rows, 3 with errors (see the error column)"


def test_jsonl_line_with_a_bad_byte_is_marked_and_the_run_goes_on(tmp_path):
    good = json.dumps({"id": "A", "description": "Vous priorisez le backlog et rédigez les user stories."},
                      ensure_ascii=False).encode()
    bad = json.dumps({"id": "B", "description": "Chef de produit gamme été"}, ensure_ascii=False).encode()
    bad = bad.replace("été".encode(), "été".encode("cp1252"))
    path = tmp_path / "offres.jsonl"
    path.write_bytes(good + b"\n" + bad + b"\n" + good.replace(b'"A"', b'"C"') + b"\n")
    done = classify(str(path))
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["A", "B", "C"]
    assert "--encoding" in out[1]["error"] and out[0]["label"] == out[2]["label"] == "PO"
    assert done.returncode == 1


def test_encoding_is_detected_past_the_first_buffer(tmp_path):
    """A cp1252 export whose first accent comes after 8 KiB (one read buffer) is still cp1252."""
    rows = [["id", "description"]] + [[str(i), "Saisie des factures et lettrage des comptes clients."] for i in range(200)]
    rows.append(["200", "Clôtures mensuelles, TVA, prévisions de trésorerie : très appréciée."])
    path = tmp_path / "ancien_excel.csv"
    path.write_bytes(csv_bytes(rows, ";", "cp1252"))
    assert path.stat().st_size > 9000
    done = classify(str(path), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    last = json.loads(done.stdout.splitlines()[-1])
    assert last["description"].startswith("Clôtures") and last["error"] == ""


def test_duplicate_and_empty_header_names_keep_every_column(tmp_path):
    rows = [["id", "note", "description", "note", ""],
            ["1", "a", "Vous animez le backlog et les sprints avec les développeurs.", "b", "c"]]
    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes(rows, ","))
    done = classify(str(path))
    header, out = output_rows(done.stdout)
    assert header[:5] == ["id", "note", "description", "note_2", "column_5"]
    assert [out[0][h] for h in header[:5]] == ["1", "a", rows[1][2], "b", "c"]


# -- one bad row never costs the run (issue 9) ----------------------------------------------------


def jsonl_rows(path) -> list[dict]:
    """The JSON Lines written to `path`, which must be valid UTF-8."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def test_lone_surrogate_in_a_jsonl_field_or_key_marks_that_row(tmp_path):
    """A JSON escape that is half of a character ("\\ud83d") is not text: that row gets an error,
    is written back as it was (escaped), and the others are classified; the output is UTF-8."""
    good = [json.dumps({"id": p[0], "description": p[2]}, ensure_ascii=False) for p in POSTINGS]
    lines = [good[0], '{"id": "FR-S1", "description": "Product Owner \\ud83d backlog"}', good[1],
             '{"id": "FR-S2", "description": "Scrum", "\\udc80": "x"}', good[2]]
    path = tmp_path / "offres.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for output_format in ("jsonl", "csv"):
        output = tmp_path / f"out.{output_format}"
        done = classify(str(path), "--format", output_format, "-o", str(output))
        assert done.returncode == 1, done.stderr
        if output_format == "jsonl":
            out = jsonl_rows(output)
        else:
            out = output_rows(output.read_bytes().decode("utf-8"))[1]
        assert [o["id"] for o in out] == ["FR-001", "FR-S1", "FR-002", "FR-S2", "FR-003"]
        for o in out[1], out[3]:
            assert "lone surrogate" in o["error"] and o["label"] == ""
        for o in out[0], out[2], out[4]:
            assert_classified({k: str(v) for k, v in o.items()})
    assert jsonl_rows(tmp_path / "out.jsonl")[1]["description"] == "Product Owner \ud83d backlog"  # as it was


def test_bad_code_unit_in_a_utf16_csv_marks_that_row(tmp_path):
    inputs = [*POSTINGS[:2], ["FR-BAD", "Product Owner", "Vous rédigez les user stories XX du backlog."], POSTINGS[2]]
    data = csv_bytes([HEADER, *inputs], "\t", "utf-16-le")
    data = codecs.BOM_UTF16_LE + data.replace("XX".encode("utf-16-le"), b"\x00\xd8")  # a lone high surrogate
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    rows = check_run(classify(str(path)), inputs, {"FR-BAD": "--encoding"})
    assert "\ufffd" in rows[2]["Descriptif du poste"]


def test_a_number_too_long_to_read_marks_that_row(tmp_path):
    lines = [json.dumps({"id": p[0], "description": p[2]}, ensure_ascii=False) for p in POSTINGS[:2]]
    lines.insert(1, '{"id": "FR-BIG", "description": "Scrum", "n": ' + "9" * 5000 + "}")
    path = tmp_path / "offres.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = classify(str(path))
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1 and len(out) == 3
    assert out[1]["error"].startswith("not valid JSON") and out[0]["label"] and out[2]["label"]


def test_a_bad_first_jsonl_line_is_a_row_with_its_error(tmp_path):
    lines = ['{"id": "FR-000", "description": "Backlog', "[1]"]
    lines += [json.dumps({"id": p[0], "description": p[2]}, ensure_ascii=False) for p in POSTINGS[:2]]
    path = tmp_path / "offres.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = classify(str(path))
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1, done.stderr
    assert [o.get("id") for o in out] == [None, None, "FR-001", "FR-002"]
    assert out[0]["error"].startswith("not valid JSON") and out[1]["error"] == "not a JSON object"
    assert out[2]["label"] == "CPO" and out[3]["label"] == "PO"
    path.write_text("pas du JSON\n[2]\n", encoding="utf-8")
    assert "no line of the file is a JSON object" in classify(str(path)).stderr


def test_a_quote_never_closed_loses_no_row_in_silence(tmp_path):
    """3 rows after the header, the second opening a quote it never closes: 3 output rows, the
    second with an error naming its line, the third read again as its own row, with an error."""
    text = ('Réf,Intitulé du poste,Descriptif du poste\r\n'
            'FR-001,Product Owner,Vous priorisez le backlog et animez les sprints avec les développeurs.\r\n'
            'FR-002,Product Owner,"Vous rédigez les user stories et priorisez le backlog.\r\n'
            'FR-003,Comptable,Saisie des factures et lettrage.\r\n')
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    done = classify(str(path))
    header, rows = output_rows(done.stdout)
    assert done.returncode == 1
    assert [r["Réf"] for r in rows] == ["FR-001", "FR-002", "FR-003"]
    assert_classified(rows[0])
    assert_failed(rows[1], "a quote opened on line 3 is never closed")
    assert_failed(rows[2], "follows a quote never closed on line 3")
    assert rows[2]["Descriptif du poste"] == "Saisie des factures et lettrage."
    closed_later = text + 'FR-004,PM,"Chef de produit, gamme Épargne"\r\nFR-005,PM,Vous analysez le marché.\r\n'
    path.write_bytes(closed_later.encode("utf-8"))  # the next quote closes it, the rows after are whole
    rows = output_rows(classify(str(path)).stdout)[1]
    assert [r["Réf"] for r in rows] == ["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]
    assert "a quote opened on line 3 is not closed where its cell ends (its cell would take in lines 4–5" \
        in rows[1]["error"]
    assert "follows a quote never closed on line 3" in rows[3]["error"]
    assert rows[3]["Intitulé du poste"] == "PM" and rows[3]["Descriptif du poste"] == "Chef de produit, gamme Épargne"
    assert_classified(rows[4])
    path.write_bytes(closed_later.encode("utf-8") + b'FR-006,PM,"Chef de produit')  # on the last line
    rows = output_rows(classify(str(path)).stdout)[1]
    assert len(rows) == 6 and rows[5]["error"] == "a quote opened on line 7 is never closed"
    assert_classified(rows[4])


def test_many_quotes_never_closed(tmp_path):
    """Each quote closing the previous one's cell: every row still comes out, in order."""
    text = "Réf,Intitulé du poste,Descriptif du poste\n" + "".join(f'FR-{i},PO,"Vous priorisez le backlog.\n'
                                                                    for i in range(3000))
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    rows = output_rows(classify(str(path)).stdout)[1]
    assert [r["Réf"] for r in rows] == [f"FR-{i}" for i in range(3000)] and all(r["error"] for r in rows)


def test_blank_lines_before_the_header_and_a_header_name_over_two_lines(tmp_path):
    header = ["Réf", "Intitulé\ndu poste", "Descriptif du poste"]
    path = tmp_path / "export.csv"
    path.write_bytes(b"\r\n\r\n" + csv_bytes([header, *POSTINGS]))
    rows = check_run(classify(str(path)), POSTINGS, {}, header)
    assert [r["Intitulé\ndu poste"] for r in rows] == [p[1] for p in POSTINGS]
    with path.open("rb") as stream:
        _, columns, _ = read_csv(io.TextIOWrapper(stream, encoding="utf-8", newline=""), "utf-8", None, {})
        assert columns.title == "Intitulé\ndu poste"  # found by its name, read over its two lines
