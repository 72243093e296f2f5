"""Write: results as readable French text for recruiters, or as JSON for machines."""
from __future__ import annotations

import json

from .explain import Result
from .rules import CLASSES

REPORT_OPENING = ("  Poste : ", "  Confiance : ")  # the text report's two lines under the file's name
GENERATOR_META = '<meta name="generator" content="classify">'  # in the pages classify writes
ROLE_NAMES = {
    "CPO": "CPO — Chief Product Officer / direction produit",
    "PO": "PO — Product Owner",
    "PM": "PM — Product Manager / chef·fe de produit",
    "OTHER": "Autre — ni CPO, ni PO, ni PM",
}


SECTION_NAMES = {  # where a hit sits, for recruiters
    "title": "titre", "header": "en-tête", "posting": "annonce", "company": "présentation de l'entreprise",
    "benefits": "avantages", "process": "recrutement", "legal": "mentions légales", "navigation": "navigation du site",
    "other_offers": "autres offres",
}


def names_script() -> str:
    """The role and section names as a script defining `RESULT_NAMES`, for the page's result view."""
    names = json.dumps({"roles": ROLE_NAMES, "sections": SECTION_NAMES}, ensure_ascii=False)
    return f"const RESULT_NAMES = {names};\n"


def percent(value: float) -> str:
    """A probability for people: never a flat 100 % or 0 %, which no model can claim."""
    if value >= 0.995:
        return "> 99 %"
    if value < 0.005:
        return "< 1 %"
    return f"{100 * value:.0f} %"


def _quote(sentence: str, limit: int = 140) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def as_text(result: Result, name: str | None = None) -> str:
    """A short report: label, confidence, the strongest evidence quoted from the posting."""
    lines = [f"{name}" if name else None]
    lines.append(f"{REPORT_OPENING[0]}{ROLE_NAMES.get(result.label, result.label)}")
    lines.append(f"{REPORT_OPENING[1]}{percent(result.confidence)}   ("
                 + ", ".join(f"{c} {percent(result.probabilities[c])}" for c in CLASSES if c in result.probabilities)
                 + ")")
    evidence = result.strongest_evidence(limit=4)
    if evidence:
        lines.append("  Indices (règles) :")
        for rule in evidence:
            hit = rule.hits[0]
            section = SECTION_NAMES.get(hit.section, hit.section)
            where = "titre" if rule.field == "title" else f"car. {hit.start}–{hit.end}, {section}"
            more = f", {len(rule.hits)} fois" if len(rule.hits) > 1 else ""
            lines.append(f"    • « {hit.matched} » [{rule.rule_id}, +{rule.contribution:.2f}, {where}{more}]")
            if rule.field != "title":
                lines.append(f"      « {_quote(hit.sentence)} »")
    else:
        lines.append("  Indices (règles) : aucune règle de cette classe ne s'applique.")
    ignored = [(rule, hit) for part in result.explanation.values() for rule in part.rules
               if rule.family == "boilerplate" for hit in rule.hits[:1]]
    if ignored:
        lines.append("  Hors annonce, sans poids : " + ", ".join(
            f"« {hit.matched} » ({SECTION_NAMES.get(hit.section, hit.section)})" for _, hit in ignored[:5])
            + (f" et {len(ignored) - 5} autres" if len(ignored) > 5 else ""))
    head = result.explanation.get("CPO")  # its words of rank weigh nothing under another job's title
    outranked = [rule.hits[0].matched for rule in head.rules if rule.family == "outranked"] if head else []
    if outranked:
        lines.append("  Le titre désigne un autre poste : mots de rang sans poids pour CPO : " + ", ".join(
            f"« {matched} »" for matched in outranked[:5]) + (f" et {len(outranked) - 5} autres" if len(outranked) > 5 else ""))
    # a title that names a rank and no job: the only role-name evidence of weight 0 (rules weigh more)
    ranks = [rule.hits[0].matched for part in result.explanation.values() for rule in part.rules
             if rule.kind == "role_name" and rule.weight == 0]
    if ranks:
        named = any(rule.kind == "role_name" and rule.family in ("title", "declared", "role_name")
                    for label, part in result.explanation.items() if label != "OTHER" for rule in part.rules)
        other = result.explanation.get("OTHER")
        if other is not None and other.prior == 0 and not named:  # see `combine.heads_product_by_rank`
            lines.append(f"  Titre sans métier : « {ranks[0]} » nomme un rang, et l'annonce confie au poste la "
                         "stratégie, le portefeuille ou l'équipe produit : le rang d'un·e responsable produit, "
                         "sans avance pour OTHER.")
        else:
            lines.append(f"  Titre sans métier : « {ranks[0]} » nomme un rang, pas un poste : sans poids, "
                         "l'annonce décide.")
    terms = [t for t in result.explanation[result.label].terms if t.contribution > 0][:6]
    if terms:
        lines.append("  Termes du modèle : " + ", ".join(f"« {t.text} » (+{t.contribution:.2f})" for t in terms))
    check = result.title
    if check and check.conflict:
        lines.append(f"  ⚠ Le titre « {check.title} » désigne {check.title_label}, "
                     f"mais la description décrit plutôt {check.description_label} : à vérifier.")
    return "\n".join(line for line in lines if line is not None)


def as_json(result: Result, name: str | None = None, indent: int | None = 2) -> str:
    payload = result.to_dict()
    if name is not None:
        payload = {"file": name, **payload}
    return json.dumps(payload, ensure_ascii=False, indent=indent)
