"""Postings as PDF: `classify offre.pdf` reads the text the pages draw, joins the lines the PDF only
wrapped, reads list markers as bullets, and classifies it; what is not a readable posting PDF (damaged,
protected, a scan, a brochure) gets one line and exit 3."""
from __future__ import annotations

import io
import json
import random

import pytest

from classifier.documents import MAX_PDF_PAGES, _without_running_lines, document_text, pdf_lines, read_document
from classifier.errors import InputError
from conftest import ROOT, classify, office_convert


def _pdf_file(objects: dict[int, str | bytes], trailer: str = "", xref: bool = True) -> bytes:
    """A PDF of these numbered objects (1 the catalog), with its cross-reference table unless `xref` is
    False (a file readers repair), and `trailer`, more entries of its trailer."""
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + (body if isinstance(body, bytes) else body.encode()) + b"\nendobj\n"
    size, start = max(objects) + 1, len(out)
    if xref:
        out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
        out += b"".join((f"{offsets[n]:010d} 00000 n \n" if n in offsets else "0000000000 65535 f \n").encode()
                        for n in range(1, size))
    out += f"trailer\n<< /Size {size} /Root 1 0 R {trailer}>>\nstartxref\n{start}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, entries: str = "") -> bytes:
    """A deflated stream object."""
    import zlib

    packed = zlib.compress(data, 9)
    return f"<< /Length {len(packed)} /Filter /FlateDecode {entries}>>\nstream\n".encode() + packed + b"\nendstream"


FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _pdf(pages: list[list[str]], xref: bool = True, packed: bytes | None = None, trailer: str = "") -> bytes:
    """A PDF whose pages draw these lines, one under the other, in Helvetica (WinAnsi encoding), as
    a simple generator writes one (`xref`, `trailer`: see `_pdf_file`); `packed`, drawing
    instructions of its own for each page, deflated."""
    objects: dict[int, str | bytes] = {1: "<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    kids = []
    for lines in pages:
        drawn = "".join("({}) Tj 0 -16 Td ".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
                        for line in lines)
        stream = f"BT /F1 11 Tf 56 780 Td {drawn}ET".encode("cp1252")
        number = len(objects) + 2
        objects[number] = _stream(packed) if packed is not None else \
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[number + 1] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {number} 0 R "
                               "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{number + 1} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    return _pdf_file(objects, trailer, xref)


def _one_page(contents: str, objects: dict[int, str | bytes]) -> bytes:
    """A one-page PDF whose page draws `contents` (object references) with forms X (object 6) and the font."""
    return _pdf_file({1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [5 0 R] /Count 1 >>", 3: FONT,
                      5: f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} /Resources << "
                         "/Font << /F1 3 0 R >> /XObject << /X 6 0 R >> >> >>", **objects})


POSTING = [["Product Owner confirmé·e de l’espace adhérent de ", "la Mutuelle Horizon, à Nantes (H/F)", "Vos missions ",
            "• Prioriser le backlog produit avec les métiers et l’équipe de dévelop\u00ad",
            "pement, sprint après sprint, pour une équipe cross-",
            "fonctionnelle de huit personnes.", "• Rédiger les user stories et leurs critères d’acceptation.",
            "Mutuelle Horizon – Offre 2026-118", "Page 1/2"],
           ["Mutuelle Horizon – Offre 2026-118", "Profil", "Trois ans d’expérience en méthode agile ; la recette ",
            "vous est familière.", "Page 2/2"]]


def test_a_pdf_posting_is_read_as_its_lines_joined_where_they_were_only_wrapped(tmp_path):
    path = tmp_path / "offre.pdf"
    path.write_bytes(_pdf(POSTING))
    assert read_document(path).splitlines() == [
        "Product Owner confirmé·e de l’espace adhérent de la Mutuelle Horizon, à Nantes (H/F)", "Vos missions",
        "• Prioriser le backlog produit avec les métiers et l’équipe de développement, sprint après sprint, pour "
        "une équipe cross-fonctionnelle de huit personnes.",
        "• Rédiger les user stories et leurs critères d’acceptation.", "Profil",
        "Trois ans d’expérience en méthode agile ; la recette vous est familière."]
    done = classify("--format", "json", str(path))
    result = json.loads(done.stdout)
    assert done.returncode == 0 and done.stderr == "" and result["label"] == "PO"
    hits = [hit for rule in result["explanation"]["PO"]["rules"] for hit in rule["hits"]]
    assert hits and all(result["text"][h["start"]:h["end"]] == h["matched"] for h in hits)


WIDE = "Une ligne de texte courant qui va jusqu’à la marge de droite de la page, "  # the longest line


@pytest.mark.parametrize("lines, read", [
    (["Profil", "bac+5 en informatique"], ["Profil", "bac+5 en informatique"]),  # short, no space: a heading
    (["Vos missions ", "Prioriser le backlog", WIDE], ["Vos missions", "Prioriser le backlog", WIDE.strip()]),
    (["Missions ", "- rédiger ", "- prioriser"], ["Missions", "- rédiger", "- prioriser"]),  # items stay items
    ([WIDE, "Air France."], [WIDE + "Air France."]),  # a space left at the margin
    (["Une phrase qui se termine ici. ", "Profil"], ["Une phrase qui se termine ici.", "Profil"]),
    (["Salaire : 45 000 € brut annuel", "télétravail possible", WIDE],
     ["Salaire : 45 000 € brut annuel", "télétravail possible", WIDE.strip()]),  # neither wrapped nor at the margin
    (["Cheffe de produit – Application de ", "covoiturage (H/F)", WIDE],  # a title in large type
     ["Cheffe de produit – Application de covoiturage (H/F)", WIDE.strip()]),
    (["\uf0b7 Animer les rituels", "\u25aa Suivre les KPI", "o Tenir le backlog", "\uf02d Recetter"],
     ["• Animer les rituels", "• Suivre les KPI", "• Tenir le backlog", "• Recetter"]),
])
def test_pdf_lines_join_only_wrapped_lines(lines, read):
    assert pdf_lines(lines) == read


@pytest.mark.parametrize("pages, read", [
    # a company's name and the title at the head of every page: kept once, at the top
    ([["Acme Payments", "Chief Product Officer (m/f/d)", "About the role", "You will lead"],
      ["Acme Payments", "Chief Product Officer (m/f/d)", "the product teams."]],
     ["Acme Payments", "Chief Product Officer (m/f/d)", "About the role", "You will lead", "the product teams."]),
    # a foot of three lines, the page number among them, as Chromium draws a header after the body
    ([["Missions", "Own the backlog", "Acme Payments", "Product Owner", "Page 1 of 2"],
      ["Run the reviews", "Acme Payments", "Product Owner", "Page 2 of 2"]],
     ["Missions", "Own the backlog", "Run the reviews"]),
    # a running line's text inside a page stays; a figure at a page's foot is no page number
    ([["Acme Payments", "Profil", "Acme Payments", "Une prime de", "20 %"], ["Acme Payments", "sur objectifs."]],
     ["Acme Payments", "Profil", "Acme Payments", "Une prime de", "20 %", "sur objectifs."]),
])
def test_running_heads_and_feet_are_left_out_by_their_place(pages, read):
    assert _without_running_lines(pages) == read


def test_the_shipped_example_pdf_is_a_product_manager():
    """examples/chef-de-produit.pdf, the example Word posting as LibreOffice exports it: Word's
    bullets read as bullets, its wrapped title and sentences whole."""
    path = ROOT / "examples" / "chef-de-produit.pdf"
    lines = read_document(path).splitlines()
    assert lines[0] == "Chef·fe de produit – Application de covoiturage (H/F)"
    assert "• Mener la discovery auprès des conducteurs et des passagers : entretiens, tests de prototypes, " \
           "analyse des usages." in lines
    assert json.loads(classify("--format", "json", str(path)).stdout)["label"] == "PM"


def test_a_word_posting_exported_as_pdf_is_read(tmp_path):
    """A Word posting (python-docx's styles: a title, a heading, "List Bullet" items, which Word and
    LibreOffice draw with the Symbol font's bullet) exported as PDF by LibreOffice Writer."""
    import docx

    document = docx.Document()
    document.add_heading("Product Owner confirmé·e (H/F)", 0)
    document.add_paragraph("Mutuelle Horizon recrute à Nantes pour sa direction digitale, dans une équipe de huit "
                           "personnes qui construit l’espace adhérent et ses parcours de remboursement.")
    document.add_heading("Vos missions", 1)
    for item in ("Prioriser le backlog produit", "Rédiger les user stories avec l’équipe"):
        document.add_paragraph(item, style="List Bullet")
    document.save(tmp_path / "offre.docx")
    saved = office_convert(tmp_path / "offre.docx", "pdf", tmp_path / "saved")
    assert read_document(saved).splitlines() == [
        "Product Owner confirmé·e (H/F)",
        "Mutuelle Horizon recrute à Nantes pour sa direction digitale, dans une équipe de huit personnes qui "
        "construit l’espace adhérent et ses parcours de remboursement.",
        "Vos missions", "• Prioriser le backlog produit", "• Rédiger les user stories avec l’équipe"]
    assert json.loads(classify("--format", "json", str(saved)).stdout)["label"] == "PO"


def _aes_protected() -> bytes:
    """The posting protected as Acrobat protects a PDF against editing: AES-128 (security handler
    revision 4), an owner password and an empty user password. Its O and U entries are computed by
    pypdf's own functions, so that the empty password opens it."""
    from pypdf._encryption import AlgV4

    first_id = b"posting-00000001"
    owner_key = AlgV4.compute_O_value_key(b"rh-only", 4, 128)
    owner = AlgV4.compute_O_value(owner_key, b"", 4)
    user = AlgV4.compute_U_value(AlgV4.compute_key(b"", 4, 128, owner, 2**32 - 4, first_id, True), 4, first_id)
    return _pdf(POSTING, trailer=f"/ID [<{first_id.hex()}> <{first_id.hex()}>] /Encrypt << /Filter /Standard /V 4 "
                f"/R 4 /Length 128 /CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF "
                f"/StrF /StdCF /O <{owner.hex()}> /U <{user.hex()}> /P -4 >> ")


def _encrypted(data: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="rh-only", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("content, message", [
    (_pdf([[]]), "the PDF draws no text (a scanned image?): copy its text into a .txt file"),
    (_pdf([["Product Owner"]] * (MAX_PDF_PAGES + 1)), f"a PDF of {MAX_PDF_PAGES + 1} pages is no posting"),
    (b"%PDF-1.7\n", "not a readable PDF"),
    (b"Product Owner : backlog, user stories.", "not a readable PDF"),
    (_encrypted(_pdf(POSTING), "secret"), "the PDF is protected by a password"),
    (_aes_protected(), "the PDF is encrypted with AES, which is not read here: print it to a new PDF"),
    # a few kB that unpack to a million drawing operators (over 1 MiB) or to 70,000 (under): pypdf
    # would take a minute, or three seconds, to read them
    (_pdf([[]], packed=b"BT /F1 11 Tf " + b"(ab) Tj " * 1_000_000 + b"ET"), "the PDF draws far more than a posting does"),
    (_pdf([[]], packed=b"BT /F1 11 Tf " + b"(ab) Tj " * 70_000 + b"ET"), "the PDF draws far more than a posting does"),
    # a 1 kB page drawing a form of 100,000 letters a thousand times (pypdf reads the form again
    # each time: 134 s and 507 MB), and three parts of a page's drawing that unpack to 8 MB each
    (_one_page("4 0 R", {4: _stream(b"/X Do " * 1000), 6: _stream(b"BT /F1 11 Tf 10 10 Td (" + b"a" * 100_000 + b") Tj ET",
                                                                   "/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
                                                                   "/Resources << /Font << /F1 3 0 R >> >>")}),
     "the PDF draws far more than a posting does"),
    (_one_page("[7 0 R 8 0 R 9 0 R]", {6: "<< >>", **dict.fromkeys((7, 8, 9), _stream(b" " * (8 << 20)))}),
     "the PDF draws far more than a posting does"),
    # one font with a 1 MB character map, listed 60 times: pypdf reads each entry's map again (23 s)
    (_pdf_file({1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
                3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>", 4: _stream(b"BT ET"),
                5: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
                   + " ".join(f"/F{i} 3 0 R" for i in range(60)) + " >> >> >>",
                7: _stream(b"1 beginbfchar <41> <0041> endbfchar\n" * 30_000)}),
     "the PDF draws far more than a posting does"),
])
def test_what_is_no_readable_posting_pdf_is_one_line_and_exit_3(tmp_path, content, message):
    path = tmp_path / "offre.pdf"
    path.write_bytes(content)
    done = classify(str(path))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 3 and len(lines) == 1 and f"offre.pdf: {message}" in lines[0], done.stderr


def test_a_pdf_only_its_owner_may_edit_and_one_without_its_table_are_read(tmp_path):
    """Protected with an empty user password (printing and copying limited) it opens as any reader opens
    it; without a cross-reference table it is repaired, and pypdf's warnings are not printed."""
    for name, content in (("limitee.pdf", _encrypted(_pdf(POSTING), "")), ("sans-table.pdf", _pdf(POSTING, xref=False))):
        path = tmp_path / name
        path.write_bytes(content)
        done = classify("--format", "json", str(path))
        assert done.returncode == 0 and done.stderr == "" and json.loads(done.stdout)["label"] == "PO", name


def test_a_damaged_pdf_reads_or_gets_a_one_line_error():
    """300 damaged copies (seeded: cut short, one or twenty bytes changed): each is read, or refused
    with InputError; never another exception."""
    data = _pdf(POSTING)
    rng = random.Random("pdf")
    refused = 0
    for _ in range(300):
        damaged = bytearray(data)
        kind = rng.choice(["cut", "one byte", "twenty bytes"])
        if kind == "cut":
            damaged = damaged[:rng.randrange(len(damaged))]
        for _ in range({"cut": 0, "one byte": 1, "twenty bytes": 20}[kind]):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            assert isinstance(document_text(io.BytesIO(bytes(damaged)), ".pdf", "copie"), str)
        except InputError as error:
            refused += 1
            assert str(error).startswith("copie: ") and "\n" not in str(error)
    assert refused > 0
