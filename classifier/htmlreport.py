"""HTML pages without a server: one posting's result (`classify --format html`), drawn by the same
CSS and JavaScript as the service's page from the embedded result JSON, and the summary page of a
batch run (`classify table.csv --report summary.html`)."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from .explain import Result
from .render import GENERATOR_META, ROLE_NAMES, as_json, names_script, percent
from .rules import CLASSES
from .tables import Columns, Row
from .web import asset

HISTOGRAM_BINS = 10
ROWS_TO_REVIEW = 20


def _page(title: str, body: str, scripts: str = "") -> str:
    return (f'<!doctype html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{GENERATOR_META}\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{asset('style.css')}</style>\n</head>\n"
            f"<body>\n{body}\n{scripts}</body>\n</html>\n")


def _inline_json(payload: str) -> str:
    """JSON safe inside a <script> element: no `</script>` or `<!--` can close or confuse it."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def as_html(result: Result, name: str | None = None) -> str:
    """One self-contained page showing a result as the service's page does."""
    heading = f"Classement de l'offre {Path(name).name}" if name else "Classement de l'offre"
    body = (f"<main>\n<h1>{html.escape(heading)}</h1>\n<section id=\"result\" class=\"panel\"></section>\n"
            "<noscript><p>Cette page a besoin de JavaScript pour afficher le résultat.</p></noscript>\n</main>")
    scripts = (f'<script type="application/json" id="result-data">{_inline_json(as_json(result, indent=None))}</script>\n'
               f"<script>\n{_inline_json(names_script())}{asset('result.js')}</script>\n"
               "<script>ResultView.render(document.getElementById(\"result\"), "
               "JSON.parse(document.getElementById(\"result-data\").textContent));</script>\n")
    return _page(heading, body, scripts)


@dataclass
class ReviewRow:
    """A classified row as the summary lists it."""

    number: int
    reference: str
    label: str
    confidence: float
    evidence: str


@dataclass
class BatchReport:
    """What a batch run's summary page shows, gathered row by row: counts per label, a histogram
    of confidences and the least confident rows (kept bounded, so memory stays flat)."""

    columns: Columns
    rows: int = 0
    errors: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    histogram: list[int] = field(default_factory=lambda: [0] * HISTOGRAM_BINS)
    least_confident: list[ReviewRow] = field(default_factory=list)

    def add(self, row: Row, cells: dict[str, str]) -> None:
        self.rows += 1
        if cells["error"]:
            self.errors += 1
            return
        confidence = float(cells["confidence"])
        self.labels[cells["label"]] = self.labels.get(cells["label"], 0) + 1
        self.histogram[min(int(confidence * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
        reference = " — ".join(v for v in (row.cells.get(self.columns.id) if self.columns.id else None, row.title) if v)
        self.least_confident.append(ReviewRow(row.number, reference, cells["label"], confidence, cells["evidence"]))
        if len(self.least_confident) > 4 * ROWS_TO_REVIEW:
            self._trim()

    def _trim(self) -> None:
        self.least_confident = sorted(self.least_confident, key=lambda r: (r.confidence, r.number))[:ROWS_TO_REVIEW]

    def page(self, source: str) -> str:
        """The summary page of the run over `source`."""
        self._trim()
        classified = self.rows - self.errors
        labels = [c for c in CLASSES if c in self.labels] + [c for c in self.labels if c not in CLASSES]
        counts = "".join(
            f'<div role="listitem" style="display: contents"><span>{html.escape(label)}</span>'
            f'<div class="bar" aria-hidden="true"><span class="F-{html.escape(label)}" '
            f'style="width: {100 * self.labels[label] / max(classified, 1):.1f}%"></span></div>'
            f'<span class="bar-value">{self.labels[label]:,}</span></div>'
            for label in labels)
        tallest = max(self.histogram) or 1
        bins = "".join(
            f'<div style="height: {100 * n / tallest:.1f}%" title="{n:,} lignes"><span class="visually-hidden">'
            f"{10 * i}–{10 * (i + 1)} % : {n:,} lignes</span></div>" for i, n in enumerate(self.histogram))
        axis = "".join(f"<span>{10 * i}–{10 * (i + 1)}</span>" for i in range(HISTOGRAM_BINS))
        review = "".join(
            f'<tr><td class="num">{r.number}</td><td>{html.escape(r.reference)}</td>'
            f'<td><span class="C-{html.escape(r.label)}">{html.escape(ROLE_NAMES.get(r.label, r.label))}</span></td>'
            f'<td class="num">{percent(r.confidence)}</td><td>{html.escape(r.evidence)}</td></tr>'
            for r in self.least_confident)
        body = f"""<main>
<h1>Résumé du classement de {html.escape(source)}</h1>
<section class="panel" aria-labelledby="counts">
<h2 id="counts">Lignes par classe</h2>
<p>{self.rows:,} lignes : {classified:,} classées, {self.errors:,} en erreur (voir la colonne <code>error</code>).</p>
<div class="bars" role="list" aria-label="Lignes par classe">{counts}</div>
</section>
<section class="panel" aria-labelledby="histogram">
<h2 id="histogram">Confiance des lignes classées</h2>
<div class="histogram">{bins}</div>
<div class="histogram-axis" aria-hidden="true">{axis}</div>
<p class="hint">Confiance en %, par tranches de 10 points.</p>
</section>
<section class="panel" aria-labelledby="review">
<h2 id="review">À vérifier d'abord : les {len(self.least_confident)} lignes les moins sûres</h2>
<table><thead><tr><th scope="col" class="num">Ligne</th><th scope="col">Référence</th><th scope="col">Classe</th>
<th scope="col" class="num">Confiance</th><th scope="col">Indices</th></tr></thead>
<tbody>{review}</tbody></table>
</section>
</main>"""
        return _page(f"Résumé du classement de {source}", body)
