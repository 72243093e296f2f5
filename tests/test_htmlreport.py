"""HTML pages without a server: `--format html` embeds the result JSON safely, `--report` summarises
a batch run; both refuse what they cannot do. (Their look is checked in a browser in test_page.py.)"""
from __future__ import annotations

import json
import re

from conftest import ROOT, classify


def test_the_html_report_embeds_the_result_json_safely(tmp_path):
    posting = tmp_path / "offre.html"
    posting.write_text("<p>Product Owner : backlog, user stories.</p><p>Pas de </script><!-- ici</p>", encoding="utf-8")
    done = classify("--format", "html", str(posting))
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    embedded = re.search(r'<script type="application/json" id="result-data">(.*?)</script>', page, re.S).group(1)
    assert "</" not in embedded and "<!--" not in embedded
    assert json.loads(embedded) == json.loads(classify("--format", "json", str(posting)).stdout)
    assert not re.search(r'(src|href)="https?:', page)  # self-contained


def test_the_batch_summary_counts_labels_and_lists_the_least_confident_rows(tmp_path):
    table = tmp_path / "offres.csv"
    table.write_bytes((ROOT / "examples" / "postings.csv").read_bytes() + "99;Vide;\n".encode())
    summary = tmp_path / "résumé.html"
    done = classify(str(table), "-o", str(tmp_path / "out.csv"), "--report", str(summary))
    assert done.returncode == 1, done.stderr  # the empty row
    page = summary.read_text(encoding="utf-8")
    assert "5 lignes : 4 classées, 1 en erreur" in page
    assert page.count('<tr><td class="num">') == 4


def test_html_and_report_refuse_what_they_cannot_do(tmp_path):
    one, two = tmp_path / "a.txt", tmp_path / "b.txt"
    one.write_text("Product Owner", encoding="utf-8")
    two.write_text("Product Manager", encoding="utf-8")
    # (usage errors raised inside the command exit 1 for now, not 2: the exit codes are issue 9's)
    several = classify("--format", "html", str(one), str(two))
    assert several.returncode != 0 and "--format html makes one page" in several.stderr
    not_a_table = classify("--report", str(tmp_path / "r.html"), str(one))
    assert not_a_table.returncode != 0 and "--report is for tables" in not_a_table.stderr
    assert not (tmp_path / "r.html").exists()
