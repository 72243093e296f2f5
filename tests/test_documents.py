"""Postings saved from a word processor: `classify offre.docx` and `classify offre.odt` read the text
the document shows (headings, lists, tables, line breaks; not deleted text, comments or field
codes), classify it, and quote it with offsets into that text; what is not readable gets one line
and exit 3."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest

from classifier.documents import read_document
from classifier.errors import InputError
from conftest import classify, office_convert


def _word_posting(path):
    """A Word posting as Word writes one (python-docx's default template: "Title", "Heading 1",
    "List Bullet" styles), with a tracked deletion and a field code added to its XML."""
    document = docx.Document()
    document.add_heading("Product Owner confirmé·e (H/F)", 0)
    document.add_paragraph("Mutuelle Horizon recrute pour sa direction digitale, à Nantes.")
    document.add_heading("Vos missions", 1)
    for item in ("Gérer et prioriser le backlog produit", "Rédiger les user stories et leurs critères d’acceptation",
                 "Animer les rituels Scrum avec l’équipe de développement"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Profil", 2)
    paragraph = document.add_paragraph("Trois ans d’expérience")
    paragraph.add_run().add_break()
    paragraph.add_run("en méthode agile.")
    table = document.add_table(rows=2, cols=2)
    for (row, column), value in {(0, 0): "Contrat", (0, 1): "CDI", (1, 0): "Lieu", (1, 1): "Nantes"}.items():
        table.cell(row, column).text = value
    document.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    body = parts["word/document.xml"].decode("utf-8")
    tracked = ('<w:p><w:r><w:t xml:space="preserve">Salaire : </w:t></w:r><w:del w:id="1" w:author="RH" '
               'w:date="2026-11-02T10:00:00Z"><w:r><w:delText>Directeur produit</w:delText></w:r></w:del>'
               '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>45 k€</w:t></w:r></w:p>')
    body = body.replace("<w:sectPr", tracked + "<w:sectPr", 1)
    with zipfile.ZipFile(path, "w") as copy:
        for name, data in parts.items():
            copy.writestr(name, body.encode("utf-8") if name == "word/document.xml" else data)
    return path


WORD_TEXT = """# Product Owner confirmé·e (H/F)
Mutuelle Horizon recrute pour sa direction digitale, à Nantes.
# Vos missions
• Gérer et prioriser le backlog produit
• Rédiger les user stories et leurs critères d’acceptation
• Animer les rituels Scrum avec l’équipe de développement
## Profil
Trois ans d’expérience
en méthode agile.
Contrat CDI
Lieu Nantes
Salaire : 45 k€"""

ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>Product Owner</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Chef·fe de produit (F/H)</text:h>
<text:p>La Coopérative<text:s text:c="3"/>Terres d’Ouest<text:tab/>recrute.<office:annotation><dc:creator>RH</dc:creator><text:p>Product Owner ?</text:p></office:annotation></text:p>
<text:h text:outline-level="2">Missions</text:h>
<text:list><text:list-item><text:p>Construire la <text:span>roadmap produit</text:span> et la partager</text:p></text:list-item>
<text:list-item><text:p>Mener la discovery avec les agriculteurs<text:line-break/>et suivre les KPIs</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Contrat</text:p></table:table-cell><table:table-cell><text:p>CDI</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"""

ODT_TEXT = """# Chef·fe de produit (F/H)
La Coopérative   Terres d’Ouest\trecrute.
## Missions
• Construire la roadmap produit et la partager
• Mener la discovery avec les agriculteurs
et suivre les KPIs
Contrat CDI"""


def _open_document(path, content: str = ODT_CONTENT):
    """An OpenDocument text package: the mimetype first and stored, the content, the manifest."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", content)
        package.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                         '</manifest:manifest>')
    return path


SAVED_PAGE = (
    "From: <Saved by Blink>\r\n"
    "Snapshot-Content-Location: https://emplois.example.fr/offre/4471-product-owner\r\n"
    "Subject: =?utf-8?Q?Product_Owner_H/F_=E2=80=93_Mutuelle_Horizon?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"----MultipartBoundary--x1----\"\r\n"
    "\r\n"
    "------MultipartBoundary--x1----\r\n"
    "Content-Type: text/html\r\n"
    "Content-ID: <frame-1@mhtml.blink>\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "Content-Location: https://emplois.example.fr/offre/4471-product-owner\r\n"
    "\r\n"
    "<!DOCTYPE html><html><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3DUTF-8\">=\r\n"
    "<title>Product Owner H/F</title><style>h1 { color: red; }</style></head><body>=\r\n"
    "<nav>Accueil | Offres | Entreprises</nav><h1>Product Owner H/F</h1><p>Mutuelle Horizon =E2=80=93 Nant=\r\n"
    "es</p><h2>Vos missions</h2><ul><li>Prioriser le backlog produit avec l=E2=80=99=C3=A9quipe</li>=\r\n"
    "<li>R=C3=A9diger les user stories et leurs crit=C3=A8res d=E2=80=99acceptation</li></ul></body></html>\r\n"
    "------MultipartBoundary--x1----\r\n"
    "Content-Type: image/png\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Location: https://emplois.example.fr/logo.png\r\n"
    "\r\n"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n"
    "------MultipartBoundary--x1------\r\n")


def test_a_web_page_saved_as_one_file_is_read_as_its_page(tmp_path):
    path = tmp_path / "offre.mhtml"
    path.write_bytes(SAVED_PAGE.encode("ascii"))
    text = read_document(path)
    assert [line for line in text.splitlines() if line] == ["Product Owner H/F", "Accueil | Offres | Entreprises", "Product Owner H/F",
                                 "Mutuelle Horizon – Nantes", "Vos missions", "• Prioriser le backlog produit avec l’équipe",
                                 "• Rédiger les user stories et leurs critères d’acceptation"]
    done = classify("--format", "json", str(path))
    result = json.loads(done.stdout)
    assert result["label"] == "PO" and result["text"] == text


def test_a_word_posting_is_read_as_the_text_it_shows(tmp_path):
    assert read_document(_word_posting(tmp_path / "offre.docx")) == WORD_TEXT


def test_an_open_document_posting_is_read_as_the_text_it_shows(tmp_path):
    assert read_document(_open_document(tmp_path / "offre.odt")) == ODT_TEXT


@pytest.mark.parametrize("name, make, label", [("offre.docx", _word_posting, "PO"), ("offre.odt", _open_document, "PM")])
def test_documents_are_classified_with_evidence_that_indexes_the_text_read(tmp_path, name, make, label):
    path = make(tmp_path / name)
    done = classify("--format", "json", str(path))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["label"] == label and result["text"] == read_document(path)
    hits = [hit for rule in result["explanation"][label]["rules"] for hit in rule["hits"]]
    assert hits and all(result["text"][h["start"]:h["end"]] == h["matched"] for h in hits)
    assert "Product Owner" not in result["text"] if label == "PM" else "Directeur" not in result["text"]


def test_documents_and_text_files_go_together(tmp_path):
    text = tmp_path / "comptable.txt"
    text.write_text("Comptable (H/F)\nVous tenez la comptabilité fournisseurs et la TVA.", encoding="utf-8")
    done = classify("--format", "jsonl", str(_word_posting(tmp_path / "offre.docx")), str(text))
    assert [json.loads(line)["label"] for line in done.stdout.splitlines()] == ["PO", "OTHER"]


@pytest.mark.parametrize("name, content, message", [
    ("offre.rtf", b"{\\rtf1 Product Owner}", "an RTF document cannot be read: copy its text into a .txt file, or save it as .docx"),
    ("offre.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97-2003 document (.doc) cannot be read"),
    ("offre.docx", "Product Owner : backlog, user stories.".encode(), "not a readable Word document (.docx)"),
    ("offre.odt", None, "empty document, no posting to classify"),
    ("absente.docx", "missing", "absente.docx: no such file"),
    ("page.mhtml", b"From: <Saved by Blink>\r\nContent-Type: text/plain\r\n\r\nProduct Owner", "no HTML page in it"),
    # the standard library's header parser takes time quadratic in a header's length (2.4 MB: 45 s)
    ("longue.mhtml", b'Content-Type: multipart/related; boundary="b"' + b"; a" * 300_000 + b"\r\n\r\n--b--",
     "headers longer than 65,536 bytes"),
])
def test_what_is_no_readable_document_is_one_line_and_exit_3(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        _open_document(path, ODT_CONTENT.split("<office:body>")[0] + "<office:body><office:text/></office:body>"
                       "</office:document-content>")
    elif content != "missing":
        path.write_bytes(content)
    done = classify(str(path))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 3 and len(lines) == 1 and message in lines[0], done.stderr


def test_a_document_nested_too_deeply_is_refused_in_one_line(tmp_path):
    deep = "<text:span>" * 5_000 + "Product Owner" + "</text:span>" * 5_000
    path = _open_document(tmp_path / "profond.odt", ODT_CONTENT.replace("Chef·fe de produit (F/H)", deep))
    with pytest.raises(InputError, match="nests its parts too deeply"):
        read_document(path)


@pytest.mark.parametrize("to, suffix", [("docx:MS Word 2007 XML", ".docx"), ("odt", ".odt")])
def test_postings_saved_by_a_word_processor_are_read(tmp_path, to, suffix):
    """A posting as LibreOffice Writer saves it, as Word and as OpenDocument: its heading styles (an
    OpenDocument title through an automatic style), its list and its table read as written."""
    page = tmp_path / "offre.html"
    page.write_text("<html><body><h1>Product Owner confirmé·e (H/F)</h1><p>Mutuelle Horizon recrute à Nantes.</p>"
                    "<h2>Vos missions</h2><ul><li>Prioriser le backlog produit</li><li>Rédiger les user stories "
                    "avec l’équipe</li></ul><table><tr><td>Contrat</td><td>CDI</td></tr></table></body></html>",
                    encoding="utf-8")
    saved = office_convert(page, to, tmp_path / "saved")
    assert saved.suffix == suffix
    assert read_document(saved) == ("# Product Owner confirmé·e (H/F)\nMutuelle Horizon recrute à Nantes.\n"
                                    "## Vos missions\n• Prioriser le backlog produit\n• Rédiger les user stories avec "
                                    "l’équipe\nContrat CDI")
    assert json.loads(classify("--format", "json", str(saved)).stdout)["label"] == "PO"


def _damaged(data: bytes, rng) -> bytes:
    """The bytes of a file cut short, or with one or twenty bytes changed, as a bad copy leaves them."""
    damaged = bytearray(data)
    kind = rng.choice(["cut", "one byte", "twenty bytes"])
    if kind == "cut":
        return bytes(damaged[:rng.randrange(len(damaged))])
    for _ in range(1 if kind == "one byte" else 20):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".mhtml"])
def test_a_damaged_document_reads_or_gets_a_one_line_error(tmp_path, suffix):
    """300 damaged copies (seeded): each is read, or refused with InputError; never another exception
    (a broken deflate stream raises zlib's error, an odd header NotImplementedError…)."""
    import io
    import random

    from classifier.documents import document_text

    make = {".docx": _word_posting, ".odt": _open_document,
            ".mhtml": lambda path: path.write_bytes(SAVED_PAGE.encode("ascii")) and path}[suffix]
    data = make(tmp_path / f"offre{suffix}").read_bytes()
    rng = random.Random(suffix)
    refused = 0
    for _ in range(300):
        try:
            assert isinstance(document_text(io.BytesIO(_damaged(data, rng)), suffix, "copie"), str)
        except InputError as error:
            refused += 1
            assert str(error).startswith("copie: ") and "\n" not in str(error)
    assert refused > 0


def test_a_folder_of_postings_gives_one_table_a_row_per_file(tmp_path):
    """Postings in several files (Word, OpenDocument, text, one missing) into one CSV or workbook, by
    -o's extension: a row per file in order, the missing one with its error, exit 1."""
    import csv
    import io

    import openpyxl

    text = tmp_path / "comptable.txt"
    text.write_text("Comptable (H/F)\nVous tenez la comptabilité fournisseurs et la TVA.", encoding="utf-8")
    files = [str(_word_posting(tmp_path / "offre.docx")), str(text), str(tmp_path / "absente.txt"),
             str(_open_document(tmp_path / "offre.odt"))]
    out, summary = tmp_path / "dossier.csv", tmp_path / "résumé.html"
    done = classify(*files, "-o", str(out), "--report", str(summary))
    assert done.returncode == 1 and "4 files, 1 with errors" in done.stderr
    page = summary.read_text(encoding="utf-8")
    assert "4 lignes : 3 classées, 1 en erreur" in page and all(Path(f).name in page for f in files if "absente" not in f)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["file"], r["label"]) for r in rows] == [(files[0], "PO"), (files[1], "OTHER"), (files[2], ""),
                                                        (files[3], "PM")]
    assert rows[2]["error"].endswith("absente.txt: no such file")
    workbook = tmp_path / "dossier.xlsx"
    assert classify(*files, "-o", str(workbook)).returncode == 1
    cells = list(openpyxl.load_workbook(workbook).active.iter_rows(values_only=True))
    assert [c[:2] for c in cells[1:]] == [(r["file"], r["label"] or None) for r in rows]
    as_json = tmp_path / "offre.json"
    assert classify(files[0], "-o", str(as_json)).returncode == 0
    assert json.loads(as_json.read_text(encoding="utf-8"))["label"] == "PO"


def test_the_shipped_example_document_is_a_product_manager():
    """examples/chef-de-produit.docx, saved by LibreOffice Writer: its title heading, list and table read."""
    from conftest import ROOT

    path = ROOT / "examples" / "chef-de-produit.docx"
    lines = read_document(path).splitlines()
    assert lines[0] == "# Chef·fe de produit – Application de covoiturage (H/F)" and "## Vos missions" in lines
    assert "Contrat CDI, Lyon, 2 jours de télétravail" in lines
    assert json.loads(classify("--format", "json", str(path)).stdout)["label"] == "PM"


def _word_body(path, body: str):
    """A Word document (python-docx's package) whose body is `body`, in WordprocessingML."""
    document = docx.Document()
    document.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    parts["word/document.xml"] = (xml[:start] + body + xml[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w") as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    return path


def _p(text: str, inside: str = "") -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r>{inside}</w:p>"


def _box(content: str) -> str:
    return f"<w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"


def _table(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in rows) + "</w:tbl>"


def _cell(content: str) -> str:
    return f"<w:tc>{content}</w:tc>"


def test_each_word_paragraph_is_read_once_wherever_it_sits(tmp_path):
    """Nested tables, a text box in a cell, content controls around a row's cell, a custom-XML
    wrapper, a moved sentence (tracked: read where it went, not where it was), and text boxes nested
    thirty deep: every paragraph once, in order (reading each box's paragraphs again for each box
    around it doubled the text at each level)."""
    deep = _p("Product Owner")
    for _ in range(30):
        deep = _p("", _box(deep))
    body = (_p("Intro") + _table(_cell(_p("cellule") + _table(_cell(_p("imbriquée")))) + _cell(_p("case", _box(_p("encadré")))),
                                 "<w:sdt><w:sdtContent>" + _cell(_p("contrôlée")) + "</w:sdtContent></w:sdt>")
            + "<w:customXml>" + _p("enveloppée") + "</w:customXml>"
            + "<w:p><w:moveFrom><w:r><w:t>déplacée</w:t></w:r></w:moveFrom><w:r><w:t>reste</w:t></w:r></w:p>"
            + "<w:p><w:moveTo><w:r><w:t>déplacée ici</w:t></w:r></w:moveTo></w:p>" + deep)
    text = read_document(_word_body(tmp_path / "gabarit.docx", body))
    assert text.splitlines() == ["Intro", "cellule imbriquée case encadré", "contrôlée", "enveloppée", "reste",
                                 "déplacée ici", "Product Owner"]


def test_an_open_document_text_box_is_a_line_of_its_own(tmp_path):
    content = ODT_CONTENT.replace("<text:h text:outline-level=\"2\">Missions</text:h>", (
        '<text:p>Cadre :<draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><draw:text-box>'
        '<text:p>Premier</text:p><text:p>Second</text:p></draw:text-box></draw:frame> fin</text:p>'
        '<text:h text:outline-level="2">Missions</text:h>'))
    lines = read_document(_open_document(tmp_path / "cadre.odt", content)).splitlines()
    assert lines[2:5] == ["Cadre : fin", "Premier", "Second"]


def test_a_saved_page_in_base64_or_in_one_part_is_read(tmp_path):
    import base64

    page = "<html><body><h1>Product Owner</h1><p>Prioriser le backlog avec l’équipe.</p></body></html>".encode()
    in_parts = (b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="--x--"\n\n----x--\n'
                b"Content-Type: text/css\n\nh1 { color: red }\n----x--\nContent-Type: text/html; charset=utf-8\n"
                b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(page) + b"----x----\n")
    one_part = b"Content-Type: text/html; charset=utf-8\r\n\r\n" + page
    for name, data in (("parts.mhtml", in_parts), ("une.mht", one_part)):
        path = tmp_path / name
        path.write_bytes(data)
        assert read_document(path).split("\n\n") == ["Product Owner", "Prioriser le backlog avec l’équipe."], name


@pytest.mark.parametrize("name", ["chef-de-produit.pdf", "chef-de-produit.docx", "head-of-product.html", "product-owner.txt"])
def test_python_reads_a_posting_file_as_the_command_does(classifier, name):
    """`read_posting` and `Classifier.classify_file` read a file as `classify FILE` does: the same
    text, label and probabilities as the command's JSON."""
    from classifier import read_posting

    path = Path(__file__).resolve().parent.parent / "examples" / name
    shown = json.loads(classify("--format", "json", str(path)).stdout)
    result = classifier.classify_file(path)
    assert result.text == shown["text"] == classifier.classify(read_posting(path)).text
    assert result.label == shown["label"] and result.probabilities == pytest.approx(shown["probabilities"])


def test_python_refuses_an_unreadable_posting_file_with_its_error(classifier, tmp_path):
    (tmp_path / "offre.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    with pytest.raises(InputError, match="save it as .docx"):
        classifier.classify_file(tmp_path / "offre.doc")
    with pytest.raises(InputError, match="no such file"):
        classifier.classify_file(tmp_path / "absente.pdf")
    with pytest.raises(InputError, match="a table of postings"):  # its rows are the postings
        classifier.classify_file(Path(__file__).resolve().parent.parent / "examples" / "postings.csv")


def test_a_posting_file_that_does_not_decode_says_how_to_give_its_encoding_to_each_caller(classifier, tmp_path):
    """The command's error names its option, Python's the parameter: a caller of `classify_file` has
    no `--encoding` to give."""
    path = tmp_path / "offre.txt"
    path.write_bytes("Chef de projet MOA : recette, cahier des charges ; qualité exigée".encode("cp1252"))
    with pytest.raises(InputError, match=r"try encoding='cp1252' or 'latin-1'"):
        classifier.classify_file(path, encoding="utf-8")
    shown = classify("--encoding", "utf-8", str(path))
    assert shown.returncode != 0 and "(try --encoding cp1252 or latin-1)" in shown.stderr
    assert classifier.classify_file(path, encoding="cp1252").text.startswith("Chef de projet MOA")
