"""The recruiters' page and the `--format html` report in a real headless browser (Debian's
Chromium driven by Playwright): a Product Owner posting pasted and classified, the highlighted
words equal to the evidence of the JSON, nothing fetched from outside 127.0.0.1. Screenshots are
kept in tests/artifacts/."""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from classifier.render import ROLE_NAMES, SECTION_NAMES

from conftest import ROOT, run_installed
from service import running_service


def classify(*args: str):
    """The installed `classify` as a process: its output bytes as written (CliRunner would fold line ends)."""
    return run_installed("classify", *args)


ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PO_POSTING = (ROOT / "examples" / "product-owner.txt").read_text(encoding="utf-8")


def text_hits(result: dict) -> list[tuple[str, str]]:
    """(words, class) of every rule hit of the text, in text order: what the page must highlight."""
    hits = {(h["start"], h["end"]): (h["matched"], label) for label, part in result["explanation"].items()
            for rule in part["rules"] if rule.get("field", "text") == "text" for h in rule["hits"]}
    return [hits[key] for key in sorted(hits)]


def highlighted(page) -> list[tuple[str, str]]:
    """(text, class) of every highlighted span of the posting, in order."""
    return [(mark.inner_text(), mark.get_attribute("data-label")) for mark in page.locator("#posting mark.hit").all()]


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS, headless=True, viewport={"width": 1200, "height": 1000}, accept_downloads=True)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def offline_page(browser, outside: list[str]):
    """A new tab that refuses, and notes, every request to a host other than 127.0.0.1."""
    page = browser.new_page()

    def route(request_route):
        host = urlparse(request_route.request.url).hostname
        if request_route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", None):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return page


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@pytest.fixture(scope="module")
def service():
    with running_service() as running:
        yield running


def test_the_page_classifies_a_pasted_posting_and_highlights_the_evidence(browser, service):
    expected = service.post_json("/v1/classify?explain=all", {"text": PO_POSTING}).json()
    outside: list[str] = []
    page = offline_page(browser, outside)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(service.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Texte de l'offre").fill(PO_POSTING)
    page.get_by_role("button", name="Classer l'offre").click()
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").get_attribute("data-label") == "PO"
    assert ROLE_NAMES["PO"] in page.locator("#verdict").inner_text()  # the text report's names, from names.js
    assert highlighted(page) == text_hits(expected) and ("user stories", "PO") in text_hits(expected)
    marks = page.locator("#posting mark.hit")
    marks.first.focus()  # the keyboard shows what a hover shows
    tip = page.locator("#hit-tip")
    assert tip.is_visible() and marks.first.get_attribute("data-rule") in tip.inner_text()
    assert SECTION_NAMES[marks.first.get_attribute("data-section")] in tip.inner_text()
    assert page.locator("#terms li").count() > 0
    screenshot(page, "page-product-owner.png")
    assert not errors and not outside, (errors, outside)
    page.close()


CUSTOMER_OFFICER = """# Chief Customer Officer (H/F)

Au sein du comité exécutif, vous portez la stratégie de la relation client du groupe.

## Vos missions
- Définir les choix stratégiques de l'expérience client avec le directeur général
- Diriger plusieurs équipes : centres de contact, service après-vente, fidélité
"""


RANK_TITLED_HEAD = ("Directrice de plateforme (H/F)\n\nVous définissez la stratégie produit de la plateforme et sa "
                    "feuille de route, arbitrez le portefeuille de produits et dirigez les équipes produit (six "
                    "chefs de produit).")


@pytest.mark.parametrize("text, label, rule, why", [
    # the head of product's activities under another job's title
    (CUSTOMER_OFFICER, "OTHER", "cpo.au_dessus", "le titre désigne un autre poste : sans poids"),
    # a header line that names a rank and no job
    (RANK_TITLED_HEAD, "CPO", "title.rank_only", "un rang sans métier : sans poids")])
def test_the_page_shows_weightless_hits_as_such(browser, service, text, label, rule, why):
    page = offline_page(browser, [])
    page.goto(service.url + "/")
    page.get_by_label("Texte de l'offre").fill(text)
    page.get_by_role("button", name="Classer l'offre").click()
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").get_attribute("data-label") == label
    mark = page.locator(f'#posting mark.hit[data-rule="{rule}"]')
    assert "ignored" in mark.get_attribute("class").split()
    mark.focus()
    assert why in page.locator("#hit-tip").inner_text()
    page.close()


def test_the_page_flags_a_title_conflict_and_shows_errors(browser, service):
    outside: list[str] = []
    page = offline_page(browser, outside)
    page.goto(service.url + "/")
    page.get_by_label("Intitulé du poste (facultatif)").fill("Product Manager (H/F)")
    page.get_by_label("Texte de l'offre").fill(PO_POSTING)
    page.keyboard.press("Tab")  # the file chooser, then the button, by keyboard
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#title-conflict")
    assert "Product Manager (H/F)" in page.locator("#title-conflict").inner_text()
    page.get_by_label("Intitulé du poste (facultatif)").fill("")
    page.get_by_label("Texte de l'offre").evaluate("area => { area.required = false; area.value = '<p> </p>'; }")
    page.get_by_role("button", name="Classer l'offre").click()
    page.wait_for_function("document.getElementById('posting-error').textContent.length > 0")
    assert page.locator("#posting-error").inner_text() == "empty posting: no text to classify"
    assert not outside
    page.close()


def test_the_page_labels_a_csv_file(browser, service, tmp_path):
    table = tmp_path / "offres.csv"
    table.write_text("id;description\n1;Vous priorisez le backlog et rédigez les user stories.\n2;\n", encoding="utf-8")
    page = offline_page(browser, [])
    page.goto(service.url + "/")
    page.get_by_label("Fichier CSV", exact=False).set_input_files(str(table))
    page.get_by_label("Pour Excel", exact=False).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Classer le tableau").click()
    labelled = Path(download.value.path()).read_bytes().decode("utf-8")
    assert labelled == classify("--excel", "-q", str(table)).stdout
    page.close()


def test_the_page_labels_an_excel_workbook_into_a_workbook(browser, service, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "description"])
    book.active.append([1, "Vous priorisez le backlog et rédigez les user stories."])
    book.active.append([2, None])
    table = tmp_path / "offres.xlsx"
    book.save(table)
    page = offline_page(browser, [])
    page.goto(service.url + "/")
    page.get_by_label("Fichier CSV ou Excel", exact=False).set_input_files(str(table))
    with page.expect_download() as download:
        page.get_by_role("button", name="Classer le tableau").click()
    assert download.value.suggested_filename == "offres-classe.xlsx"
    expected = tmp_path / "attendu.xlsx"
    assert classify("-q", str(table), "-o", str(expected)).returncode == 1  # the empty row's error
    saved = io.BytesIO(Path(download.value.path()).read_bytes())  # a download's file has no extension
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows == list(openpyxl.load_workbook(expected).active.iter_rows(values_only=True))
    assert rows[1][2] == "PO" and rows[2][-1] == "empty text in column 'description'"
    page.close()


def test_the_page_reads_a_word_or_pdf_posting_into_the_text_and_classifies_it(browser, service, tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Product Owner (H/F)", 0)
    document.add_paragraph("Vous priorisez le backlog et rédigez les user stories avec l'équipe Scrum.",
                           style="List Bullet")
    path = tmp_path / "offre.docx"
    document.save(path)
    page = offline_page(browser, [])
    page.goto(service.url + "/")
    page.get_by_label("Ou choisir un fichier", exact=False).set_input_files(str(path))
    text = page.locator("#text")
    page.wait_for_function("document.getElementById('text').value !== ''")
    assert text.input_value() == "# Product Owner (H/F)\n• Vous priorisez le backlog et rédigez les user stories avec l'équipe Scrum."
    page.get_by_role("button", name="Classer l'offre").click()
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").get_attribute("data-label") == "PO"
    broken = tmp_path / "abîmé.docx"
    broken.write_bytes(b"PK\x03\x04 pas un document")
    page.get_by_label("Ou choisir un fichier", exact=False).set_input_files(str(broken))
    page.wait_for_function("document.getElementById('posting-error').textContent !== ''")
    assert "not a readable Word document" in page.locator("#posting-error").inner_text()
    from test_pdf import POSTING, _pdf

    pdf = tmp_path / "offre.pdf"
    pdf.write_bytes(_pdf(POSTING))
    page.get_by_label("Ou choisir un fichier", exact=False).set_input_files(str(pdf))
    page.wait_for_function("document.getElementById('text').value.startsWith('Product Owner confirmé')")
    assert page.locator("#posting-error").inner_text() == ""
    page.close()


def test_a_job_page_saved_by_the_browser_as_one_file_is_classified(browser, tmp_path):
    """A job board's page as Chromium saves it in one file (MHTML: quoted-printable HTML, its
    stylesheet and picture beside it): `classify` reads the page's text, accents and all."""
    page = offline_page(browser, [])
    page.set_content("<!DOCTYPE html><html lang=fr><head><meta charset=utf-8><title>Product Owner H/F – Emplois</title>"
                     "<style>h1 { color: #123 }</style></head><body><nav>Accueil | Offres | Entreprises</nav>"
                     "<h1>Product Owner H/F</h1><p>Mutuelle Horizon – Nantes – CDI</p><h2>Vos missions</h2><ul>"
                     "<li>Prioriser le backlog produit avec l’équipe de développement</li><li>Rédiger les user "
                     "stories et leurs critères d’acceptation</li><li>Animer les rituels Scrum</li></ul>"
                     "<h2>Offres similaires</h2><ul><li>Chef de projet digital</li><li>Business Analyst</li></ul>"
                     "<img alt=logo src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                     "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='></body></html>")
    snapshot = page.context.new_cdp_session(page).send("Page.captureSnapshot", {"format": "mhtml"})["data"]
    printed = tmp_path / "offre.pdf"  # the same page printed to PDF ("Enregistrer au format PDF")
    printed.write_bytes(page.pdf())
    page.close()
    as_pdf = json.loads(classify("--format", "json", str(printed)).stdout)
    assert as_pdf["label"] == "PO" and "Offres similaires" in as_pdf["text"]
    assert "Prioriser le backlog produit avec l’équipe de développement" in as_pdf["text"]
    saved = tmp_path / "offre.mhtml"
    saved.write_bytes(snapshot.encode("utf-8"))
    assert "quoted-printable" in snapshot  # the page's accents are encoded in the file
    done = classify("--format", "json", str(saved))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["label"] == "PO"
    assert "Prioriser le backlog produit avec l’équipe de développement" in result["text"]
    assert "=C3" not in result["text"] and "color" not in result["text"]


def test_the_html_report_shows_the_same_view_without_a_server(browser, tmp_path):
    posting = tmp_path / "offre.txt"
    posting.write_text(PO_POSTING, encoding="utf-8")
    report = tmp_path / "report.html"
    done = classify("--format", "html", "-o", str(report), str(posting))
    assert done.returncode == 0, done.stderr
    expected = json.loads(classify("--format", "json", str(posting)).stdout)
    outside: list[str] = []
    page = offline_page(browser, outside)
    page.goto(report.as_uri())
    assert page.locator("#verdict").get_attribute("data-label") == "PO"
    assert ROLE_NAMES["PO"] in page.locator("#verdict").inner_text()  # names inlined with the view's script
    assert highlighted(page) == text_hits(expected) and text_hits(expected)
    screenshot(page, "report-product-owner.png")
    assert not outside
    page.close()


def test_the_batch_summary_page(browser, tmp_path):
    table = tmp_path / "offres.csv"
    table.write_bytes((ROOT / "examples" / "postings.csv").read_bytes())
    summary = tmp_path / "summary.html"
    done = classify(str(table), "-o", str(tmp_path / "out.csv"), "--report", str(summary))
    assert done.returncode in (0, 1), done.stderr
    page = offline_page(browser, [])
    page.goto(summary.as_uri())
    assert "Résumé du classement" in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() > 0
    screenshot(page, "batch-summary.png")
    page.close()
