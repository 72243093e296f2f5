/* The result view: label, confidence, a bar per class, the posting with every rule hit highlighted
   in its class's colour, the model's strongest terms and the title check. Shared by the service's
   page and the HTML reports; reads the result JSON by field name and ignores fields it does not know.
   The names of the roles and sections come from `RESULT_NAMES`, which `render.names_script` writes
   (the page loads it as `names.js`, the reports inline it): the text report's names, written once. */
"use strict";
const ResultView = (() => {
  const CLASSES = ["CPO", "PO", "PM", "OTHER"];
  const ROLE_NAMES = RESULT_NAMES.roles;
  const SECTIONS = RESULT_NAMES.sections;
  const WEIGHTLESS = new Set(["boilerplate", "outranked"]);  // families whose hits count for nothing

  /* A hit that counts for nothing: in a weightless family, or a title line that names a rank and no
     job (the only role-name evidence of weight 0). */
  function weightless(rule) {
    return WEIGHTLESS.has(rule.family) || (rule.kind === "role_name" && rule.weight === 0);
  }

  /* A probability for people, as the text report gives it: never a flat 100 % or 0 %. */
  function percent(value) {
    if (value >= 0.995) return "> 99 %";
    if (value < 0.005) return "< 1 %";
    return `${Math.round(100 * value)} %`;
  }

  function signed(value) {
    return (value >= 0 ? "+" : "−") + Math.abs(value).toFixed(2);
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  /* The rule hits in the posting's text, each with its class and rule, in text order; where two
     overlap the first one (the longest at a start) is kept, so every hit is one highlighted span. */
  function textHits(result) {
    const hits = [];
    for (const [label, part] of Object.entries(result.explanation || {})) {
      for (const rule of part.rules || []) {
        if ((rule.field || "text") !== "text") continue;
        for (const hit of rule.hits || []) hits.push({ label, rule, hit });
      }
    }
    hits.sort((a, b) => a.hit.start - b.hit.start || b.hit.end - a.hit.end);
    const kept = [];
    let reached = 0;
    for (const found of hits) {
      if (found.hit.start >= reached) {
        kept.push(found);
        reached = found.hit.end;
      }
    }
    return kept;
  }

  function describe(found) {
    const { label, rule, hit } = found;
    const where = SECTIONS[hit.section] || hit.section || "";
    const ignored = rule.family === "boilerplate" ? ", hors annonce : sans poids"
      : rule.family === "outranked" ? ", le titre désigne un autre poste : sans poids"
      : weightless(rule) ? ", un rang sans métier : sans poids" : "";
    return `${rule.rule_id} (${label}) — poids ${rule.weight}, contribution ${signed(rule.contribution)}` +
      (where ? ` — ${where}${ignored}` : "") +
      (hit.sentence ? ` — « ${hit.sentence.replace(/\s+/g, " ").trim()} »` : "");
  }

  /* The posting with its hits as focusable <mark>s; offsets count code points, as Python's do. */
  function highlightedPosting(result, tip) {
    const characters = Array.from(result.text || "");
    const posting = element("div", { class: "posting", id: "posting" });
    let at = 0;
    textHits(result).forEach((found, n) => {
      const { label, hit } = found;
      posting.append(characters.slice(at, hit.start).join(""));
      const mark = element("mark", {
        class: `hit C-${label}${weightless(found.rule) ? " ignored" : ""}`, tabindex: "0",
        "data-label": label, "data-rule": found.rule.rule_id, "data-section": hit.section || "",
        "aria-describedby": tip.id, "data-n": String(n), text: characters.slice(hit.start, hit.end).join(""),
      });
      const show = () => {
        tip.textContent = describe(found);
        tip.hidden = false;
        const box = mark.getBoundingClientRect();
        tip.style.left = `${window.scrollX + box.left}px`;
        tip.style.top = `${window.scrollY + box.bottom + 6}px`;
      };
      const hide = () => { tip.hidden = true; };
      mark.addEventListener("mouseenter", show);
      mark.addEventListener("focus", show);
      mark.addEventListener("mouseleave", hide);
      mark.addEventListener("blur", hide);
      posting.append(mark);
      at = hit.end;
    });
    posting.append(characters.slice(at).join(""));
    return posting;
  }

  function bars(result) {
    const grid = element("div", { class: "bars", role: "list", "aria-label": "Probabilité de chaque classe" });
    const classes = CLASSES.filter((c) => c in (result.probabilities || {}))
      .concat(Object.keys(result.probabilities || {}).filter((c) => !CLASSES.includes(c)));
    for (const label of classes) {
      const value = result.probabilities[label];
      const bar = element("div", { class: "bar", "aria-hidden": "true" },
        element("span", { class: `F-${label}`, style: `width: ${(100 * value).toFixed(1)}%` }));
      const row = element("div", { role: "listitem", style: "display: contents" },
        element("span", { text: label }), bar, element("span", { class: "bar-value", text: percent(value) }));
      grid.append(row);
    }
    return grid;
  }

  function evidenceTable(hits) {
    const table = element("table", {},
      element("caption", { class: "visually-hidden", text: "Règles qui se sont appliquées" }),
      element("thead", {}, element("tr", {},
        ...["Mots", "Classe", "Règle", "Poids", "Contribution", "Phrase"].map((h, i) =>
          element("th", { scope: "col", class: i === 3 || i === 4 ? "num" : "", text: h })))));
    const body = element("tbody");
    for (const { label, rule, hit } of hits) {
      body.append(element("tr", {},
        element("td", {}, element("mark", { class: `hit C-${label}`, text: hit.matched })),
        element("td", { text: label }), element("td", { text: rule.rule_id }),
        element("td", { class: "num", text: String(rule.weight) }),
        element("td", { class: "num", text: signed(rule.contribution) }),
        element("td", { text: (hit.sentence || "").replace(/\s+/g, " ").trim() })));
    }
    table.append(body);
    return table;
  }

  function legend() {
    return element("p", { class: "legend" }, ...CLASSES.map((c) =>
      element("span", {}, element("span", { class: `swatch F-${c}`, "aria-hidden": "true" }), ROLE_NAMES[c])));
  }

  /* Render `result` (the JSON of `classify --format json`) into `container`. */
  function render(container, result) {
    container.replaceChildren();
    const tip = document.getElementById("hit-tip") ||
      document.body.appendChild(element("div", { id: "hit-tip", class: "tip", role: "tooltip", hidden: "" }));
    container.append(
      element("p", { class: "verdict", id: "verdict", "data-label": result.label },
        "Poste : ", element("span", { class: `C-${result.label}`, text: ROLE_NAMES[result.label] || result.label })),
      element("p", { class: "confidence", id: "confidence", text: `Confiance : ${percent(result.confidence)}` }),
      bars(result));
    const check = result.title;
    if (check && check.conflict) {
      container.append(element("p", { class: "conflict", id: "title-conflict", role: "note",
        text: `⚠ Le titre « ${check.title} » désigne ${check.title_label}, mais la description décrit plutôt ` +
          `${check.description_label} : à vérifier.` }));
    }
    const hits = textHits(result);
    container.append(element("h3", { text: "L'offre, avec les indices surlignés" }),
      element("p", { class: "hint", text: hits.length
        ? "Survolez un passage surligné, ou atteignez-le avec la touche Tab, pour voir la règle, son poids et la phrase."
        : "Aucune règle ne s'applique au texte de l'offre." }),
      legend(), highlightedPosting(result, tip));
    if (hits.length) container.append(element("h3", { text: "Indices (règles)" }), evidenceTable(hits));
    const terms = ((result.explanation || {})[result.label] || {}).terms || [];
    const strongest = terms.filter((t) => t.contribution > 0).slice(0, 6);
    if (strongest.length) {
      container.append(element("h3", { text: "Termes du modèle les plus forts" }),
        element("ul", { class: "terms", id: "terms" }, ...strongest.map((t) =>
          element("li", { text: `« ${t.text || t.term} » (${signed(t.contribution)})` }))));
    }
  }

  return { render, percent, textHits };
})();
