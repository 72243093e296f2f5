"""`classify-serve` as a real process on 127.0.0.1, called over HTTP: the same answers as the command
line, every batch row in order with its error, JSON errors for refused requests, the model and
health endpoints, the OpenAPI description and offline docs, no posting in the logs."""
from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_installed
from service import running_service


def classify(*args: str):
    """The installed `classify` as a process: its output bytes as written (CliRunner would fold line ends)."""
    return run_installed("classify", *args)


PO_POSTING = (ROOT / "examples" / "product-owner.txt").read_text(encoding="utf-8")
MARKER = "Zorglubienne-7f3a"  # a word no log may show
TABLE = [
    ["id", "intitulé", "description"],
    ["A1", "Product Owner (H/F)", "Vous priorisez le backlog et rédigez les user stories avec l'équipe Scrum."],
    ["A2", "Comptable", ""],
    ["A3", "Chef de produit"],
    ["A4", "", "Vous définissez la vision produit et la stratégie, et encadrez les Product Managers."],
]


def table_bytes() -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(TABLE)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def log_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="module")
def service(log_path):
    with running_service(log_path=log_path) as running:
        yield running


def test_classify_answers_the_json_of_the_command_line(service, tmp_path):
    posting = tmp_path / "offre.txt"
    posting.write_text(PO_POSTING, encoding="utf-8")
    done = classify("--format", "json", "--title", "Product Manager (H/F)", str(posting))
    assert done.returncode == 0, done.stderr
    answer = service.post_json("/v1/classify", {"text": PO_POSTING, "title": "Product Manager (H/F)"})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(done.stdout)
    assert answer.json()["label"] == "PO" and answer.json()["title"]["conflict"]


def test_explain_label_and_none(service):
    label_only = service.post_json("/v1/classify?explain=label", {"text": PO_POSTING}).json()
    assert list(label_only["explanation"]) == ["PO"]
    bare = service.post_json("/v1/classify?explain=none", {"text": PO_POSTING}).json()
    assert bare["explanation"] == {} and bare["label"] == "PO"
    assert service.post_json("/v1/classify?explain=some", {"text": PO_POSTING}).status == 422


def test_batch_csv_keeps_every_row_in_order_with_the_errors_of_the_command_line(service, tmp_path):
    path = tmp_path / "offres.csv"
    path.write_bytes(table_bytes())
    for output_format, accept in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        done = classify("--format", output_format, "-q", str(path))
        assert done.returncode == 1, done.stderr  # rows with errors
        answer = service.request("POST", "/v1/classify-batch", table_bytes(),
                                 {"Content-Type": "text/csv", "Accept": accept})
        assert answer.status == 200, answer.body
        assert answer.text == done.stdout
        if output_format == "csv":
            rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4"]
    assert rows[0]["label"] == "PO" and not rows[0]["error"]
    assert rows[1]["error"] == "empty text in column 'description'" and not rows[1]["label"]
    assert rows[2]["error"].startswith("row has 2 fields, the header has 3")
    assert rows[3]["label"] == "CPO"


def test_batch_json_array_and_json_lines_and_excel(service, tmp_path):
    postings = [{"ref": "x1", "text": "Vous priorisez le backlog et rédigez les user stories."},
                {"ref": "x2", "text": "   "}, {"ref": "x3", "title": "Product Manager", "text": "Roadmap et discovery."}]
    lines = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in postings).encode()
    path = tmp_path / "offres.jsonl"
    path.write_bytes(lines)
    expected = classify("-q", str(path)).stdout
    from_array = service.post_json("/v1/classify-batch", postings)
    from_lines = service.request("POST", "/v1/classify-batch", lines, {"Content-Type": "application/x-ndjson"})
    assert from_array.text == from_lines.text == expected
    assert [json.loads(line)["ref"] for line in from_array.text.splitlines()] == ["x1", "x2", "x3"]
    assert from_array.headers["content-type"] == "application/x-ndjson"
    table = tmp_path / "offres.csv"
    table.write_bytes(table_bytes())
    excel = service.request("POST", "/v1/classify-batch?excel=true", table_bytes(), {"Content-Type": "text/csv"})
    assert excel.text == classify("--excel", "-q", str(table)).stdout
    assert excel.body.startswith("\ufeff".encode()) and ";" in excel.text.splitlines()[0]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_batch_excel_workbook_in_and_out_as_the_command_line(service, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Offres"
    for row in TABLE:
        book.active.append(row)
    path = tmp_path / "offres.xlsx"
    book.save(path)
    done = classify("-q", str(path))
    assert done.returncode == 1  # rows with errors
    as_csv = service.request("POST", "/v1/classify-batch", path.read_bytes(), {"Content-Type": XLSX, "Accept": "text/csv"})
    assert as_csv.status == 200 and as_csv.text == done.stdout
    answer = service.request("POST", "/v1/classify-batch", path.read_bytes(), {"Content-Type": XLSX, "Accept": XLSX})
    assert answer.status == 200 and answer.headers["content-type"] == XLSX
    expected = tmp_path / "attendu.xlsx"
    classify("-q", str(path), "-o", str(expected))
    rows = list(openpyxl.load_workbook(io.BytesIO(answer.body)).active.iter_rows(values_only=True))
    assert rows == list(openpyxl.load_workbook(expected).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["A1", "A2", "A3", "A4"] and rows[1][3] == "PO"
    missing = service.request("POST", "/v1/classify-batch?sheet=Archives", path.read_bytes(), {"Content-Type": XLSX})
    assert "no sheet 'Archives'; the workbook has: Offres" in one_line_error(missing, 422)
    broken = service.request("POST", "/v1/classify-batch", table_bytes(), {"Content-Type": XLSX})
    assert "the body: not a readable Excel workbook" in one_line_error(broken, 422)
    for row in range(300):
        book.active.append([f"B{row}", "Comptable", "Vous tenez la comptabilité fournisseurs."])
    book.save(path)
    cut = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(cut, "w") as copy:
        for member in source.infolist():
            data = source.read(member)
            copy.writestr(member, data[:len(data) // 2] if member.filename == "xl/worksheets/sheet1.xml" else data)
    for accept in ("text/csv", XLSX):  # the whole sheet is read before the answer starts: no answer cut short
        damaged = service.request("POST", "/v1/classify-batch", cut.getvalue(), {"Content-Type": XLSX, "Accept": accept})
        assert "the body: the sheet breaks off, the file is damaged" in one_line_error(damaged, 422)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_documents_are_read_as_the_command_line_reads_them(service, tmp_path):
    import docx

    from classifier.documents import read_document

    document = docx.Document()
    document.add_heading("Product Owner (H/F)", 0)
    document.add_paragraph("Vous priorisez le backlog et rédigez les user stories.", style="List Bullet")
    path = tmp_path / "offre.docx"
    document.save(path)
    answer = service.request("POST", "/v1/document-text", path.read_bytes(), {"Content-Type": DOCX})
    assert answer.status == 200 and answer.json() == {"text": read_document(path)}
    assert answer.json()["text"] == "# Product Owner (H/F)\n• Vous priorisez le backlog et rédigez les user stories."
    from test_documents import SAVED_PAGE

    saved = tmp_path / "offre.mhtml"
    saved.write_bytes(SAVED_PAGE.encode("ascii"))
    page = service.request("POST", "/v1/document-text", saved.read_bytes(), {"Content-Type": "multipart/related"})
    assert page.status == 200 and page.json() == {"text": read_document(saved)}
    broken = service.request("POST", "/v1/document-text", b"PK\x03\x04 pas un document", {"Content-Type": DOCX})
    assert "the body: not a readable Word document (.docx)" in one_line_error(broken, 422)
    from test_pdf import POSTING, _pdf

    pdf = service.request("POST", "/v1/document-text", _pdf(POSTING), {"Content-Type": "application/pdf"})
    assert pdf.status == 200 and pdf.json()["text"].startswith("Product Owner confirmé·e de l’espace adhérent de la Mutuelle Horizon")
    assert "the body: not a readable PDF" in one_line_error(
        service.request("POST", "/v1/document-text", b"%PDF-1.7", {"Content-Type": "application/pdf"}), 422)
    assert "send a Word (.docx), OpenDocument (.odt) or PDF document or a saved web page" in one_line_error(
        service.request("POST", "/v1/document-text", b"{\\rtf1 PO}", {"Content-Type": "application/rtf"}), 415)


def one_line_error(answer, status: int) -> str:
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers["content-type"] == "application/json"
    message = answer.json()["error"]
    assert message and "\n" not in message
    return message


def test_refused_requests_get_json_errors(service, tmp_path):
    huge = {"text": "backlog " * 200_000}
    assert "limit" in one_line_error(service.post_json("/v1/classify", huge), 413)
    assert "application/json" in one_line_error(
        service.request("POST", "/v1/classify", b"text=x", {"Content-Type": "application/x-www-form-urlencoded"}), 415)
    assert one_line_error(service.request("POST", "/v1/classify-batch", b"<xml/>", {"Content-Type": "application/xml"}), 415)
    assert "malformed JSON" in one_line_error(
        service.request("POST", "/v1/classify", b'{"text": ', {"Content-Type": "application/json"}), 422)
    assert '"text"' in one_line_error(service.post_json("/v1/classify", {"title": "PO"}), 422)
    assert one_line_error(service.post_json("/v1/classify", ["a list"]), 422)
    assert "no text column" in one_line_error(
        service.request("POST", "/v1/classify-batch", b"a,b\n1,2\n", {"Content-Type": "text/csv"}), 422)
    assert "delimiter" in one_line_error(
        service.request("POST", "/v1/classify-batch?delimiter=ab", b"a,b\n", {"Content-Type": "text/csv"}), 422)
    empty_html = tmp_path / "vide.html"
    empty_html.write_text("<p> </p>", encoding="utf-8")
    cli = classify(str(empty_html))
    api = one_line_error(service.post_json("/v1/classify", {"text": "<p> </p>"}), 422)
    assert cli.stderr.strip().endswith(api), (cli.stderr, api)  # the command line's message, after the file name
    assert one_line_error(service.request("GET", "/nowhere"), 404)


def test_health_and_model(service):
    assert service.request("GET", "/healthz").json() == {"status": "ok"}
    model = service.request("GET", "/v1/model").json()
    manifest = json.loads((ROOT / "models" / "default" / "manifest.json").read_text())
    assert model["model_version"] == manifest["model_version"]
    assert sorted(model["classes"]) == ["CPO", "OTHER", "PM", "PO"]
    assert model["trained"] == manifest["created"]
    assert model["training_data"]["sha256"] == manifest["training_data"]["sha256"]
    assert model["rules"]["sha256"] == manifest["rules"]["sha256"]


def test_the_page_gets_the_role_and_section_names_of_the_text_report(service):
    from classifier.render import ROLE_NAMES, SECTION_NAMES

    answer = service.request("GET", "/names.js")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/javascript")
    prefix = "const RESULT_NAMES = "
    assert answer.text.startswith(prefix)
    assert json.loads(answer.text[len(prefix):].rstrip().rstrip(";")) == {"roles": ROLE_NAMES,
                                                                           "sections": SECTION_NAMES}


def resolve(document: dict, reference: str):
    assert reference.startswith("#/"), reference
    node = document
    for part in reference[2:].split("/"):
        node = node[part]
    return node


def test_openapi_description_and_offline_docs(service):
    document = service.request("GET", "/openapi.json").json()
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"]) and document["info"]["title"]
    for path in ("/v1/classify", "/v1/classify-batch", "/v1/model", "/healthz"):
        assert path in document["paths"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert method in ("get", "post") and operation["responses"], (path, method)
    references = re.findall(r'"\$ref": ?"([^"]+)"', json.dumps(document))
    for reference in references:
        resolve(document, reference)  # every reference points into the document
    docs = service.request("GET", "/docs")
    assert docs.status == 200 and "swagger-ui" in docs.text and "/openapi.json" in docs.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from the internet
    for source in sources:
        assert service.request("GET", source).status == 200, source


def test_a_slow_request_does_not_stall_the_others(service):
    long_posting = {"text": ("Vous priorisez le backlog et rédigez les user stories avec l'équipe. " * 12_000)[:900_000]}
    started = threading.Event()

    def slow():
        started.set()
        service.post_json("/v1/classify", long_posting)

    worker = threading.Thread(target=slow)
    worker.start()
    started.wait()
    time.sleep(0.3)  # the long posting is being classified
    assert service.request("GET", "/healthz").status == 200
    answered_during = worker.is_alive()  # a blocked event loop would answer only once the long one is done
    worker.join()
    assert answered_during, "/healthz waited for the long posting"


def test_no_posting_is_logged(service, log_path):
    service.post_json("/v1/classify", {"text": f"Product Owner {MARKER} backlog", "title": MARKER})
    service.post_json("/v1/classify", {"text": MARKER})  # and an error
    service.request("POST", "/v1/classify-batch", f"id,description\n1,{MARKER}\n".encode(), {"Content-Type": "text/csv"})
    time.sleep(0.3)
    assert MARKER not in log_path.read_text(encoding="utf-8", errors="replace")


def test_result_to_dict_is_what_asdict_gives(classifier):
    from dataclasses import asdict

    result = classifier.classify(PO_POSTING, title="Product Manager (H/F)")
    assert result.to_dict() == asdict(result)


def test_several_workers_answer_alike():
    with running_service("--workers", "2") as service:
        answers = [service.post_json("/v1/classify", {"text": PO_POSTING}).json() for _ in range(4)]
    assert all(a == answers[0] for a in answers) and answers[0]["label"] == "PO"
