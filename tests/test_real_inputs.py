"""Whole pages as recruiters feed them: sections, boilerplate, role names as evidence, the prior."""
from __future__ import annotations

import json
import re

import pytest

from classifier.combine import FAMILIES, names_product_role
from classifier.errors import RulesError
from classifier.resources import rules_dir
from classifier.sections import Sectioner
from classifier.training import read_relabelling

from conftest import ROME, ROOT, run, title_roles

PAGE = (ROOT / "tests" / "data" / "board-page-po.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sectioner():
    return Sectioner.load(rules_dir(), rules_dir())


def test_a_whole_board_page_is_labelled_by_its_posting_not_its_boilerplate(classifier):
    result = classifier.classify(PAGE)
    assert result.label == "PO"
    competitors = [c for c in result.explanation if c != "PO"]
    for label in competitors:
        for rule in result.explanation[label].rules:
            for hit in rule.hits:
                # a competitor's hit may exist in boilerplate, but then it weighs nothing
                assert hit.section not in ("other_offers", "company", "legal", "navigation", "benefits") \
                    or rule.contribution == 0.0, (label, rule.rule_id, hit)
    # the "offres similaires" titles were found, and sit in the boilerplate
    listed = [h for rule in result.explanation["PM"].rules for h in rule.hits if h.matched == "Product Manager"]
    assert listed and all(h.section == "other_offers" for h in listed)


def test_boilerplate_hits_count_for_nothing_and_explanations_still_add_up(classifier):
    result = classifier.classify(PAGE)
    for label, part in result.explanation.items():
        assert part.total() == pytest.approx(part.score, abs=1e-9)
        for rule in part.rules:
            assert rule.family in (*FAMILIES, "boilerplate", "outranked")
            if rule.family == "boilerplate":
                assert rule.contribution == 0.0
            for hit in rule.hits:
                assert result.text[hit.start:hit.end] == hit.matched


def test_the_model_does_not_read_the_boilerplate(classifier):
    page = classifier.analyse(PAGE)
    with_more_offers = classifier.analyse(PAGE + "\nProduct Manager – Lyon\nHead of Product – Paris\nChef de produit – Lille\n")
    assert page.terms == with_more_offers.terms  # more lines in "offres similaires": the model sees the same


@pytest.mark.parametrize("name, label, title", [
    ("linkedin-page-developer.txt", "OTHER", "Développeur·se Java confirmé·e"),
    ("linkedin-page-po.txt", "PO", "Product Owner Paiement H/F"),
])
def test_a_page_copied_from_a_professional_network(classifier, sectioner, name, label, title):
    """Its skip link and menu are navigation, so the job's title is the header; "À propos de l'offre
    d'emploi" opens the posting, not a company blurb; "Plus d'offres" lists other offers. Before,
    the developer's page read PM at 0.40, from a Product Manager in that list."""
    page = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8")
    sections = sectioner.sections(page)
    assert sections.at(page.index("Ignorer et passer")) == sections.at(page.index("Accueil")) == "navigation"
    assert sections.at(page.index(title)) == "header"
    assert sections.at(page.index("Au sein de")) == "posting"
    assert sections.at(page.index("Product Manager Mobile")) == "other_offers"
    result = classifier.classify(page)
    assert result.label == label
    assert all(hit.section == "other_offers" for rule in result.explanation["PM"].rules for hit in rule.hits)


def test_a_board_pages_full_description_is_the_posting_after_its_salary_block(classifier, sectioner):
    """"Salary" opens the benefits; "Full job description" must open the posting again, or the whole
    job weighs nothing (it read PM at 0.71 on the title alone; 0.88–0.91 with the posting read)."""
    page = (ROOT / "tests" / "data" / "board-page-pm-en.txt").read_text(encoding="utf-8")
    sections = sectioner.sections(page)
    assert sections.at(page.index("£60,000 - £72,000 a year\nJob type")) == "benefits"
    assert sections.at(page.index("You'll talk to customers")) == "posting"
    assert sections.at(page.index("Pension, 28 days")) == "benefits"
    result = classifier.classify(page)
    assert result.label == "PM" and result.probabilities["PM"] > 0.8
    assert any(hit.section == "posting" for rule in result.explanation["PM"].rules for hit in rule.hits
               if rule.family == "activity")


def test_a_salary_field_marks_its_line_not_the_rest_of_the_page(sectioner):
    """Government notices open with fields ("Salary: $97,240 – $126,510 per year") and no headings: a
    boilerplate heading with its value on its line is a field. The job after it stayed in the benefits,
    where it weighs nothing (a 311 service's product manager read OTHER at 0.99)."""
    text = ("City of Port Alder\nJob Class: Analyst III\nSalary: $97,240 – $126,510 per year\n\n"
            "You'll set goals for the service, decide with the team what to build first and keep a public roadmap."
            "\n\nBenefits\n\nMedical, dental and vision.")
    sections = sectioner.sections(text)
    assert sections.at(text.index("$97,240")) == "benefits"
    assert sections.at(text.index("You'll set goals")) == "posting"
    assert sections.at(text.index("Medical")) == "benefits"


@pytest.mark.parametrize("block", ["**Ces offres peuvent vous intéresser**\n- Chef de produit Maquillage — Paris\n"
                                   "- Product Manager E-commerce — Paris",
                                   "Also hiring: Product Manager Marketplace · UX Writer · Data Engineer",
                                   # the board or the employer named before the colon, on the list's line
                                   "Similar jobs on Hatchboard: Product Manager (Remote) · Site Reliability Engineer",
                                   "Autres offres au siège : Product Manager Paiements (Paris) · Comptable",
                                   # an executive-search firm's other searches, under the posting
                                   "Other mandates at Fenwick Search\nProduct Manager Payments – Lyon\nCFO – Retail group",
                                   "**Other current mandates:** Product Manager Payments (Lyon) · Chief Financial Officer",
                                   # with its article or possessive first
                                   "Les autres offres du studio\nProduct Manager (F/H) – Nantes\nUX/UI Designer – Nantes",
                                   "Our open positions\n- Product Manager, Growth – Remote\n- Data Engineer – Lyon",
                                   # a bold heading closed before its colon, the list on its line
                                   "**Ils recrutent aussi**\u00a0: Product Manager – Paiement · Sales Manager",
                                   "**Similar jobs on Hatchboard** : Product Manager (Remote) · Data Engineer",
                                   # a start-up board's other companies' openings
                                   "**They're hiring too**\n- Product Manager – Cash Forecasting · Paris"])
def test_other_offers_in_the_words_of_more_boards(sectioner, block):
    text = f"Vos missions\n\nVous animez la marque et ses campagnes.\n\n{block}"
    assert sectioner.sections(text).at(text.index("Product Manager")) == "other_offers"
    assert sectioner.sections(text).at(text.index("Vous animez")) == "posting"


def test_sections_of_a_page(sectioner):
    sections = sectioner.sections(PAGE)
    at = lambda words: sections.at(PAGE.index(words))  # noqa: E731
    assert at("Se connecter") == "navigation"
    assert at("Nous utilisons des cookies") == "legal"
    assert at("Product Owner – Espace client") == "header"
    assert at("La Mutuelle Ligérienne protège") == "company"
    assert at("vous tenez et priorisez le backlog") == "posting"
    assert at("Trois ans d'expérience") == "posting"
    assert at("Intéressement") == "benefits"
    assert at("Conformément au RGPD") == "legal"
    assert at("Head of Product – Scale-up") == "other_offers"
    assert at("Mentions légales") == "legal"


@pytest.mark.parametrize("text, titles", [
    ("# Ondéa — Carrières\n[Offres](#) · [Métiers](#)\n\n## Chief Customer Officer\n\nVous dirigez 240 personnes.\n\n## Missions",
     ["# Ondéa — Carrières", "## Chief Customer Officer"]),
    ("Nous utilisons des cookies.\n\n# Head of Data (H/F)\n\nVous dirigez l'équipe.", ["# Head of Data (H/F)"]),  # the first "# "
    ("Une phrase d'abord, puis les titres.\n\n## Missions\n\n### Profil", []),
    ("Sans titre aucun.", []),
])
def test_the_headings_that_title_a_page(sectioner, text, titles):
    """The page's first level-one heading, and the headings above its first sentence."""
    assert [text[start:end] for start, end in sectioner.sections(text).top_headings] == titles


def test_only_the_top_of_a_page_of_headings_titles_it(sectioner):
    """A page of 40,000 headings is read as far as its top lines (TOP_LINES), not to its end."""
    text = "## Product Owner\n" * 40_000
    assert sectioner.sections(text).top_headings == tuple((17 * i, 17 * i + 16) for i in range(12))


def test_only_a_few_words_stand_between_a_heading_and_its_colon(sectioner):
    """"Similar jobs on Hatchboard:" opens a list of other offers; a sentence that starts with the
    words of a heading and has a colon further on does not."""
    text = "Vos missions\nVous pilotez le backlog.\nOther jobs in our Lyon product team will help you: the designers."
    assert sectioner.sections(text).at(text.index("the designers")) == "posting"


def test_an_unknown_heading_ends_a_boilerplate_section(sectioner):
    text = "Intro\n## À propos de nous\nNous vendons des vélos.\n## Le quotidien dans la squad\nVous priorisez le backlog."
    assert sectioner.sections(text).at(text.index("Vous priorisez")) == "posting"
    assert sectioner.sections(text).at(text.index("Nous vendons")) == "company"


@pytest.mark.parametrize("heading", ["Your tasks", "Your missions", "Tes missions", "Your responsibilities",
                                     "What you should bring", "The position", "Votre mission :", "Key objectives",
                                     "Your job", "Description de la mission", "À propos de vous",
                                     "À propos de la mission", "About this role", "About the position"])
def test_the_jobs_own_heading_after_a_company_blurb_opens_the_posting(sectioner, heading):
    """Plain headings without markup or colon ("Who we are" / "Your tasks" / "What we offer") as agencies
    write them: the tasks must not stay in the company blurb, where they weigh nothing."""
    text = (f"Who we are\n\nWe build apps for retailers.\n\n{heading}\n\n• Own the backlog of the checkout team\n\n"
            "What we offer\n\n• A learning budget")
    sections = sectioner.sections(text)
    assert sections.at(text.index("We build")) == "company"
    assert sections.at(text.index("Own the backlog")) == "posting"
    assert sections.at(text.index("A learning budget")) == "benefits"


@pytest.mark.parametrize("heading, kind", [
    ("Employee benefits", "benefits"), ("That's what we offer:", "benefits"),
    # a US federal announcement's conditions
    ("Who may apply", "benefits"), ("Security clearance", "benefits"), ("Work schedule", "benefits"),
    ("Application evaluation", "process"),
    # a career page's process, as French pages often title it
    ("## Comment ça se passe ?", "process"), ("Comment ça se passe", "process"),
    # headings led by a symbol beyond Latin-1: a bullet, a dash, an arrow, an emoji
    ("• Avantages", "benefits"), ("— Offres similaires —", "other_offers"), ("▶ NOS AVANTAGES", "benefits"),
    ("## 💰 Benefits", "benefits"), ("**🎁 Nos avantages**", "benefits"), ("✦ À propos de nous", "company"),
    ("👉 Offres similaires", "other_offers"),
])
def test_more_headings_of_boilerplate(sectioner, heading, kind):
    text = f"Vos missions\n\nVous priorisez le backlog.\n\n{heading}\n\nTickets restaurant, Chef de produit Lyon."
    sections = sectioner.sections(text)
    assert sections.at(text.index("Tickets")) == kind
    assert sections.at(text.index("Vous priorisez")) == "posting"


@pytest.mark.parametrize("line, legal", [
    ("• Garantir la conformité RGPD des parcours d'inscription", False),
    ("You will write user stories that include GDPR consent and the handling of personal data.", False),
    ("• Rédiger les conditions générales des nouveaux contrats avec le juridique", False),
    ("Conformément au RGPD, vos données personnelles sont conservées deux ans.", True),
    ("Your personal data is processed in accordance with the GDPR.", True),
])
def test_a_mission_about_data_protection_is_no_legal_mention(sectioner, line, legal):
    """Data protection is a product's subject too: only the wording of a notice to applicants makes a
    line legal text (the missions of a health-data PO weighed nothing)."""
    text = f"Vos missions\n\n• Prioriser le backlog\n{line}\n• Animer les démos"
    assert (sectioner.sections(text).at(text.index(line)) == "legal") == legal


@pytest.mark.parametrize("heading", ["Ce qui t'attend", "Tes super-pouvoirs", "What this position does",
                                     "Vos activités principales", "Essential criteria"])
def test_a_heading_in_words_of_its_own_with_a_list_after_it_ends_a_company_blurb(classifier, heading):
    """A posting's heading that no cue knows, its markup lost (an HTML <h2>, a plain-text export),
    ends the blurb when a list follows it: round 7's product owner, whose duties followed "What this
    position does" after "Who we are", read OTHER at 95 %."""
    text = ("<h2>À propos de nous</h2><p>Lumio édite un logiciel pour les cabinets dentaires.</p>"
            f"<h2>{heading}</h2><ul><li>Rédiger les user stories</li><li>Prioriser le backlog</li></ul>")
    analysis = classifier.analyse(text)
    assert {h.section for h in analysis.hits if h.label == "PO"} == {"posting"}
    sections = analysis.sections
    assert sections.at(analysis.text.index("Lumio")) == "company"


def test_a_bare_line_ends_only_a_blurb_and_only_with_a_list_after_it(sectioner):
    """Lists of other offers are short lines too: a bare line there stays in the list, and so does
    a blurb's sub-heading followed by prose."""
    offers = "Offres similaires\nProduct Owner H/F\n• CDI · Lyon\nChef de produit\n• CDI · Paris"
    assert sectioner.sections(offers).at(offers.index("Chef de produit")) == "other_offers"
    blurb = "Qui sommes-nous ?\nNous vendons des vélos.\nNotre histoire\nFondée en 2012 à Lyon par deux amies."
    assert sectioner.sections(blurb).at(blurb.index("Fondée")) == "company"
    # a list of titles (items of fewer than four words) under a heading no cue knows stays in the blurb
    titles = "Qui sommes-nous ?\nNous vendons des vélos.\nNos équipes recrutent\n- Product Owner H/F\n- Data Analyst"
    assert sectioner.sections(titles).at(titles.index("Product Owner")) == "company"


@pytest.mark.parametrize("heading", ["Nos autres offres", "Ils recrutent aussi", "We're also hiring",
                                     "Jobs you may like", "Autres postes à pourvoir", "Similar roles",
                                     "Offres en cours", "Autres mandats confiés au cabinet"])
def test_a_career_sites_own_list_of_openings_is_a_list_of_other_offers(sectioner, heading):
    text = (f"Vos missions\n- Prioriser le backlog\n\n{heading}\n"
            "- Product Owner Paiement (H/F) – Lyon – CDI\n- Data Analyst (H/F) – Paris – CDI")
    assert sectioner.sections(text).at(text.index("Product Owner")) == "other_offers"


@pytest.mark.parametrize("line", ["Other assignments as required.", "More roles and responsibilities",
                                  "Other positions of trust held in the team"])
def test_a_duty_that_starts_like_a_list_of_offers_leaves_the_posting_as_it_is(sectioner, line):
    """Government postings end their duties with "Other assignments as required": as a heading of
    other offers it would make the rest of the duties boilerplate."""
    text = f"Duties\n- Prioritise the backlog with the team\n{line}\n- Write the release notes for each sprint"
    assert sectioner.sections(text).at(text.index("Write the release")) == "posting"


@pytest.mark.parametrize("top", ["View all jobs", "Voir toutes les offres", "Découvrez nos offres",
                                 "Careers / Current openings"])
def test_a_button_or_breadcrumb_above_the_title_opens_no_list_of_offers(sectioner, top):
    """Such lines stand at the top of saved career pages: as headings of other offers they would
    make the title and the posting's first lines boilerplate."""
    text = (f"{top}\nProduct Owner H/F\nLumio · Nantes\n\nNous recherchons un Product Owner pour piloter le "
            "backlog de l'application.\n\nVos missions\n- Prioriser le backlog")
    sections = sectioner.sections(text)
    assert sections.at(text.index("Product Owner H/F")) not in sectioner.boilerplate
    assert sections.at(text.index("Nous recherchons")) == "posting"


def test_a_headings_plural_is_that_heading_but_a_longer_word_is_not(sectioner):
    text = "Who we are\n\nWe sell bikes.\n\nYour missions\n\nYou prioritise the backlog."
    assert sectioner.sections(text).at(text.index("You prioritise")) == "posting"
    text = "Who we are\n\nWe sell bikes.\n\nMissionnaires du monde\n\nWe send volunteers abroad."
    assert sectioner.sections(text).at(text.index("We send")) == "company"


@pytest.mark.parametrize("text, mention", [
    ("Vous travaillerez en lien avec le Product Owner de la squad.", True),
    ("You will work closely with product managers and designers.", True),
    ("En tant que Product Owner, vous portez le backlog.", False),
    ("We are hiring a Product Manager to own our roadmap.", False),
    # one of a list of disciplines: the team's roles, not the job's
    ("Our teams bring together researchers, designers, developers, and product managers.", True),
    ("Nos pratiques (Design, Recherche, Product Management, Développement) recrutent.", True),
    ("Vous conseillez la direction des produits sur la stratégie numérique.", True),
    ("Le groupement administre environ 2 600 PC et PM de la base.", True),
    ("You pair with designers, backend developers, QA and the product owner of your team.", True),
    ("The team has developers, a tester, a designer and a product owner.", True),  # personnels civils et militaires
    ("Au sein de la squad, vous serez le bras droit du PO sur les sujets techniques.", True),  # the nearest cue
    ("Nous recherchons un développeur pour accompagner le Product Owner.", True),
    ("In this role, the Product Manager owns the roadmap.", False),
    ("Au sein de l'équipe, le Product Owner porte le backlog.", False),
    # a role name that names a group: the team's, not the job's
    ("Serve as member of the EV-CIS Product Owner Team as the technical advisor.", True),
    ("You will present your findings to the Product Management department.", True),
    # a possessive right after a declared cue is the job's own role
    ("We are looking for our next Product Manager to own the roadmap.", False),
    ("Nous recherchons notre futur·e Product Owner.", False),
    ("Devenez notre prochain·e Product Owner !", False),
    ("Nous recherchons un développeur pour accompagner notre Product Owner.", True),
    # and with its other gender, as inclusive writing pairs them
    ("La marque recrute son ou sa Chef·fe de produit pour sa gamme cuisine.", False),
    ("Nous recherchons sa ou son directeur·rice produit.", False),
    ("Vous travaillerez avec son ou sa Product Owner.", True),
    ("Vous travaillerez avec nos Product Owners.", True),
    ("Vous assisterez les Product Owners dans la rédaction des user stories.", True),
    ("Vous ferez le lien entre les équipes métier et le Product Owner.", True),
    # "la DSI" is a department, not a director listed before the role
    ("Au sein de la DSI, le Product Owner aura pour missions de prioriser le backlog.", False),
    ("You will present your findings to product managers and designers.", True),
    ("We are looking for someone to be our next Product Manager.", False),
    # lists whose first item starts the line, or that end with "and" and a second item
    ("- Teaching or mentoring developers, product managers, clients or other non-designers.", True),
    ("En collaborant avec des développeurs, des designers de contenu et des chefs de produit.", True),
    ("We're hiring for a Senior Product Manager.", False),
    ("TTS is looking for talented product managers who will help our partners.", False),
    # a department, which the stem of "directeur" meets: the product organisation, not the job
    ("Au sein de la Direction Produit, vous pilotez le backlog.", True),
    # the first item of a list of disciplines or colleagues, but not the subject of a clause
    ("SinnerSchrader Swipe is a studio for mobile product management, design and software engineering.", True),
    ("Present them to the product manager, the designers, the engineers and program leadership.", True),
    ("The Product Manager, together with the tech lead and the designer, owns delivery.", False),
    # the same in bold, as Markdown pages list categories
    ("Categories: **Product Management**; **Strategy/Consulting**; and **Marketing**.", True),
    ("**Product Owner**, vous priorisez le backlog de la squad.", False),
    ("Le Product Owner, garant de la vision et du backlog, anime les rituels.", False),
    # a design director partners the head of product; a third party's own team ("ses", "her")
    ("Vous êtes le ou la partenaire de la Directrice produit, qui décide des priorités.", True),
    ("La roadmap que tiennent ses PM est publique.", True),
    ("You are the engineering counterpart of the Head of Product.", True),
    ("Devenez son Product Owner et priorisez le backlog.", False),
    # one qualifying word inside a list, but no determiner: "un Product Owner" after a comma is the job
    ("Leading teams of software engineers, content strategists, agile project managers or others.", True),
    ("Nous recherchons, pour notre équipe Paiement, un Product Owner.", False),
    ("Nous recherchons pour notre client un Product Owner confirmé.", False),
    ("Rejoignez-nous, en tant que senior Product Owner.", False),
    # a possessive before another noun is that noun's; a role acting on "vous" is a colleague
    ("Chaque équipe vous associera à ses rituels ; la cheffe de produit vous aidera à choisir.", True),
    ("Le Product Owner te présentera la roadmap.", True),
    ("En tant que Product Owner vous portez le backlog.", False),
    # the client's side's role is the client's, not the agency's job
    ("Côté client, une Product Owner très présente tient le backlog et vient aux revues de sprint.", True),
    ("On the client side, a Product Owner sets the priorities of each sprint.", True),
    ("Be the regulatory contact of the product managers in charge of your portfolio.", True),
    ("You liaise with the product owner on every release note.", True),
    # a role working "with you", "with us" after a verb or two is a colleague, unless declared first
    ("Deux Product Owners travaillent avec vous sur le quotidien des terminaux.", True),
    ("A product manager works with us on the tools that buyers use every day.", True),
    ("The product owner will work with you from the first sprint.", True),
    ("We're looking for a Product Manager to work with us on payments.", False),
    ("The Product Owner writes the user stories with the team.", False),
    # what is given or reported to a role is given to a colleague ("au", "à la"), but "au sein de"
    # is no such thing
    ("Rédiger les spécifications et les transmettre au Product Owner du lot.", True),
    ("Rendre compte à la cheffe de produit de l'avancement.", True),
    ("Faire remonter aux <strong>Product Managers</strong> les besoins des clients.", True),
    # and so is who does something to the job ("par le", "by the")
    ("Rédiger les user stories à partir des priorités données par le Product Owner de l'équipe.", True),
    ("The team's scope is set by the Product Manager each quarter.", True),
    # a helper's verb in its "vous" and "tu" forms; a team's members listed with their counts
    ("Vous aidez le Product Owner à garder un backlog lisible pendant les sprints.", True),
    ("Tu épauleras la cheffe de produit lors des ateliers avec les agences.", True),
    ("The squad has 5 engineers, 1 product manager and 1 designer working on payouts.", True),
    ("The squad is made up of a Product Owner who sets the priorities, and eight developers.", True),
    ("La squad est constituée d'une Product Owner qui fixe les priorités et de huit développeurs.", True),
    ("L'équipe, organisée en agile, réunit un Product Owner côté client et huit développeurs.", True),
    ("Notre pôle produit rassemble aujourd'hui douze chefs de produit.", True),
    ("The studio brings together a product manager, two designers and five engineers.", True),
    # a relative clause after a comma describes a third person; a declared cue before it still wins
    ("Detail user stories at the request of the Product Owner, who decides what is built.", True),
    ("L'équipe compte trois développeurs et Inès, la Product Owner, qui organise le travail.", True),
    ("Nous recrutons notre Head of Product, qui rejoindra le comité de direction.", False),
    # "As" opening a sentence declares the job's own role; "such as" is no cue
    ("You will work closely with the designers. As Product Owner, you will own the backlog.", False),
    ("Nous recrutons 2 Product Owners pour nos squads Paiement et Crédit.", False),
    # or between two members each after "a", "une": the role names the job only when alone there
    ("You will join a squad of four engineers, a product manager and a designer.", True),
    ("Elle compte cinq ingénieur·es back, deux front, une Product Owner et une QA.", True),
    ("L'équipe compte huit personnes : des développeurs, une product manager, un designer.", True),
    # the role qualified by a word or two between the items
    ("Une squad de six : trois développeurs, un testeur, un Product Owner côté client et un architecte.", True),
    ("A team of six: three engineers, a tester, a Product Owner client-side and an architect.", True),
    # or the reader as the last item
    ("You join the squad as its QA engineer: five developers, a designer, a product owner and you.", True),
    ("Vous rejoignez l'équipe Paiement, qui compte quatre développeurs, une UX designer, une Product Owner et vous.", True),
    ("Pour notre agence de Lyon, nous recherchons, pour l'équipe Paiement, une Product Owner.", False),
    ("Nous recherchons, pour notre équipe Paiement, un Product Owner (H/F) confirmé.", False),
    # and so is the subject of a relative clause about the job's work
    ("Rédiger les user stories que la Product Owner priorise ensuite.", True),
    ("Break the specifications into acceptance criteria that the Product Owner then ranks.", True),
    # right before the name, such a cue outranks a declared cue further back on the line
    ("In your first weeks you'll be supported by a Product Owner from the payments squad.", True),
    ("Vous serez accompagné·e par la Product Owner de l'équipe Paiement.", True),
    # the job's peers are its own role: "other" right before the name outranks the colleague cue
    # "with" ("other" further back stays a colleague cue)
    ("Direct and share insights with other product managers, contributing to our culture.", False),
    ("Vous partagerez vos pratiques avec les autres PO de la tribu.", False),
    ("Work closely with other teams such as the product managers and designers.", True),
    # right after a noun's genitive, someone else's role, unless a declared cue comes before the noun
    ("Write the stories; the team's Product Owner decides the order in which they are built.", True),
    ("The client's own product managers sign off each release.", True),
    ("Our squads' product owners meet every week.", True),
    ("You will serve as the government's product owner for the grants service.", False),
    ("It's a Product Owner role at the heart of our payments squad.", False),
])
def test_a_colleagues_role_is_a_mention_not_the_job(classifier, text, mention):
    hits = [h for h in classifier.analyse(text).hits if h.kind == "role_name"]
    assert hits and all(h.mention == mention for h in hits)


@pytest.mark.parametrize("text, mention", [
    ("Our studio sells product management and engineering to retailers.", True),
    ("Five years of experience in product management.", True),
    ("As a Product Management Supervisor, you coach the product managers of two portfolios.", False),
    ("We are hiring: Product Management Intern", False),
])
def test_the_field_product_management_is_no_jobs_name(classifier, text, mention):
    """A role name spelled as its discipline names the field; followed by a capitalised word it is
    a title ("Product Management Supervisor"). An Android developer's page read PO on the first."""
    hit = next(h for h in classifier.analyse(text).hits if h.kind == "role_name" and h.label == "PM")
    assert hit.mention == mention


@pytest.mark.parametrize("line", ["Intitulé du poste : Product Owner", "Votre rôle : Product Manager",
                                  "Your role as Product Owner", "We need a Product Manager to own our roadmap.",
                                  "Nous recherchons notre futur·e Product Owner.",
                                  "You'll join the Rider Experience squad as its Product Owner.",
                                  "Ferralia is recruiting a Product Manager for its digital department.",
                                  "Halden Search has been retained to appoint its first VP Product.",
                                  "After its Series B, Keystay is appointing a Head of Product."])
def test_a_role_the_posting_declares_its_own_is_declared(classifier, line):
    hits = [h for h in classifier.analyse(f"Introduction.\n{line}").hits if h.kind == "role_name"]
    assert hits and all(h.declared and not h.mention for h in hits)


def test_others_head_start_holds_only_while_no_product_role_is_named(classifier):
    mixing = classifier.model.mixing
    other = classifier.classes.index("OTHER")
    named = classifier.classify("Product Owner (H/F)\nNous recrutons pour notre équipe à Lyon.")
    unnamed = classifier.classify("Nous recrutons pour notre équipe à Lyon, poste en CDI à pourvoir.")
    assert names_product_role(classifier.analyse("Product Owner (H/F)\nNous recrutons.").hits)
    assert all(part.prior == 0.0 for part in named.explanation.values())
    assert unnamed.explanation["OTHER"].prior == mixing.offsets[other] != 0.0
    assert unnamed.label == "OTHER"


@pytest.mark.parametrize("title, rule_id", [
    ("Director Product Strategy (f/m/d)", "role.product_adjacent"),
    ("Director Product & Client Management", "role.product_adjacent"),
    ("Senior Product Analyst", "role.product_adjacent"),
    ("VP Product Operations", "role.product_adjacent"),  # runs the product teams' tools, planning and releases
    ("Director of Product Operations (H/F)", "role.product_adjacent"),
    ("Head of Product Ops", "role.product_adjacent"),
    ("Director of Product", "role.cpo"),
    ("Director, Product Management (EX-02)", "role.cpo"),
    ("Director, Product Marketing", "role.product_marketing"),
    ("Head of Product Design", "role.designer"),
])
def test_titles_built_on_product_are_told_apart_from_the_head_of_product(classifier, title, rule_id):
    found = title_roles(classifier, title)
    assert found[0] == rule_id and "role.cpo" not in found[1:]


@pytest.mark.parametrize("title, label", [
    ("PO / Scrum Master", "PO"),
    ("Business Analyst / Product Owner", "PO"),
    ("Chef de projet digital / Product Owner (H/F)", "PO"),
    ("Product Manager / Chef de projet (F/H)", "PM"),
    ("Scrum Master", "OTHER"),
])
def test_a_title_naming_a_product_role_beside_another_job_is_the_product_role(classifier, title, label):
    body = "CDI à Paris, télétravail partiel. Rejoignez une équipe engagée et bienveillante."
    assert classifier.classify(body, title=title).label == label
    assert classifier.classify(f"{title}\n{body}").label == label  # the same title on the text's header line
    others = [h for h in classifier.analyse(body, title).hits if h.field == "title" and h.label == "OTHER"]
    assert bool(others) == (label == "OTHER")


@pytest.mark.parametrize("title", ["VP of Product Management", "Vice President of Product Management",
                                   "Responsable du pôle produit (H/F)"])
def test_heads_of_the_product_function_are_cpo(classifier, title):
    assert classifier.classify("CDI à Paris, télétravail partiel.", title=title).label == "CPO"


def test_a_role_named_in_the_header_decides_a_short_ad(classifier):
    for title, label in (("Product Owner H/F", "PO"), ("Chef de produit (F/H)", "PM"), ("Head of Product", "CPO"),
                         ("Comptable (H/F)", "OTHER")):
        text = f"{title}\nCDI à Bordeaux, télétravail deux jours par semaine, démarrage dès que possible."
        assert classifier.classify(text).label == label, title


def test_evaluate_reports_text_only_with_title_relabelled_and_by_group(tmp_path):
    data = tmp_path / "real.jsonl"
    rows = [
        {"id": "a1", "label": "PO", "source": "board", "title": "Product Owner",
         "text": "Vous rédigez les user stories et priorisez le backlog de la squad en sprints de deux semaines."},
        {"id": "a2", "label": "OTHER", "source": "board", "title": "Comptable",
         "text": "Vous tenez la comptabilité générale et préparez les déclarations fiscales de nos clients."},
        {"id": "a3", "label": "OTHER", "source": "guide", "title": "Chef de produit",
         "text": "Vous définissez la stratégie de la gamme, son prix et ses lancements avec le marketing."},
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    relabel = tmp_path / "review.csv"
    relabel.write_text("id,label,reason\na3,PM,owns the range\n", encoding="utf-8")
    done = run("classify-evaluate", str(data), "--relabel", str(relabel), "--by", "source", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"as_written", "masked", "text_only", "text_only_masked"} <= set(report)
    assert report["as_written"]["combined"]["per_class"]["PM"]["support"] == 1  # a3 relabelled
    assert set(report["by"]["source"]) == {"board", "guide"}
    assert report["by"]["source"]["guide"]["as_written"]["n"] == 1
    assert set(report["by"]["length"]) == {"< 1k chars"}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,label\na1,MAYBE\n", encoding="utf-8")
    refused = run("classify-evaluate", str(data), "--relabel", str(bad))
    assert refused.returncode == 3 and "MAYBE" in refused.stderr and "Traceback" not in refused.stderr


def test_a_menu_line_is_navigation_and_no_header(sectioner):
    text = "Home | Jobs | Contact\nAccueil › Offres d'emploi › Mon compte\nProduct Owner H/F\nVous priorisez le backlog."
    sections = sectioner.sections(text)
    assert sections.at(0) == sections.at(text.index("Accueil")) == "navigation"
    assert sections.header(text) == (text.index("Product Owner"), text.index(" H/F") + 4)
    # a title with a separator is no menu: not every part of it is a menu item
    assert "navigation" not in sectioner.sections("Product Owner | Paris\nVous priorisez le backlog.").kinds


def test_a_breadcrumb_that_starts_with_a_heading_opens_no_section(sectioner):
    """"Open positions › Direction › …" is where the page sits on the site: the job below it is no list
    of other offers, though "Open positions" heads such lists."""
    text = ("Médialis — Careers\nOpen positions › Direction › Directeur produit\n\nWhy this position exists\n\n"
            "You will define what we build and lead the product function.\n\nOpen positions\n- Data Engineer\n")
    sections = sectioner.sections(text)
    assert sections.at(text.index("Open positions ›")) == "navigation"
    assert sections.at(text.index("You will define")) == "posting"
    assert sections.at(text.index("- Data Engineer")) == "other_offers"  # the heading alone still opens the list


@pytest.mark.parametrize("link", ["← Back to all jobs", "‹ Retour à la liste des offres", "Voir toutes nos offres"])
def test_a_career_site_link_back_to_its_offers_is_navigation_and_no_header(sectioner, link):
    """A career page copied from its top opens on the link back to the list: no title naming no product role."""
    text = f"{link}\n\nHead of Product\nYou will take over the product function."
    sections = sectioner.sections(text)
    assert sections.at(0) == "navigation"
    assert sections.header(text) == (text.index("Head"), text.index(" of Product") + len(" of Product"))


def test_a_header_line_that_names_its_field_gives_the_title(sectioner, classifier):
    """Job-board exports begin "POSTE : Chef de secteur H/F": the value after the field is the header."""
    text = "POSTE : Chef de Secteur H/F\nPROFIL : Vous avez une première expérience de la vente.\nDESCRIPTION : …"
    sections = sectioner.sections(text)
    assert sections.header(text) == (text.index("Chef"), text.index(" H/F") + 4)
    assert sections.at(text.index("PROFIL")) == "posting"
    hits = classifier.analyse(text).hits
    assert [(h.rule_id, h.matched) for h in hits if h.kind == "role_name"] == [
        ("title.no_product_role", "Chef de Secteur H/F")]
    # the field alone on its line: the title is on the next one
    alone = "Poste :\nProduct Owner H/F\nVous priorisez le backlog."
    assert sectioner.sections(alone).header(alone) == (alone.index("Product"), alone.index(" H/F") + 4)
    for text, label in (("Intitulé du poste : Product Owner (H/F)\nMissions : …", "PO"),
                        ("Job title: Senior Product Manager\nAbout the role", "PM")):
        analysis = classifier.analyse(text)
        assert [h.section for h in analysis.hits if h.label == label and h.kind == "role_name"] == ["header"], text
    # a field whose value is a sentence gives no header
    sentence = "Poste : vous rejoindrez une équipe de douze personnes pour construire la plateforme de paiement.\nData"
    assert "header" not in sectioner.sections(sentence).kinds


@pytest.mark.parametrize("shipped_start, broken_start, message", [
    ('fields = ["poste",', 'fields = [3, "poste",', r"\[header\] 'fields'"),  # the title fields
    ('seniority = ["senior",', 'seniority = [1, "senior",', "'seniority' and 'marks'"),  # what a deleted title leaves
    ("words_before_colon = 3", "words_before_colon = 30", "'words_before_colon'"),  # "Similar jobs on X:"
    ("ends_at_bare_heading = true", 'ends_at_bare_heading = "yes"', "'ends_at_bare_heading'"),
])
def test_word_lists_of_the_cues_must_be_lists_of_words(tmp_path, shipped_start, broken_start, message):
    shipped = (rules_dir() / "sections.toml").read_text(encoding="utf-8")
    assert shipped_start in shipped
    (tmp_path / "sections.toml").write_text(shipped.replace(shipped_start, broken_start), encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        Sectioner.load(tmp_path, tmp_path)


@pytest.mark.parametrize("title, left", [
    ("Senior  - Partnerships", True), (" – Partenariats", True), ("HUD Innovation Fellow - ", True), ("Lead ", True),
    (" (f/m/x)", True), ("(Senior) ", True), ("TTS: ", True), ("Data Engineer", False),
    ("Assistant commercial - H/F", False), ("(Senior) Business Analyst", False), ("Freelance – Data Engineer", False),
    ("Backend Developer (Python / Django) - Junior", False), ("Comptable (H/F)", False)])
def test_what_deleting_a_job_title_leaves_names_no_job(sectioner, title, left):
    """A title whose role name was deleted ("Senior  - Partnerships") is a masked title, not one that
    names no product role."""
    assert sectioner.unnamed.is_remnant(title) is left
    assert sectioner.unnamed.is_masked(title) is left


def test_no_title_as_written_is_taken_for_a_remnant(sectioner):
    """Neither the corpus's titles nor France Travail's 13,000 ("… -PGC-" ends with an acronym, not a cut)."""
    import csv

    titles = [json.loads(line).get("title") or "" for path in (ROOT / "corpus" / "postings.jsonl",
                                                                  ROOT / "corpus" / "round4" / "postings.jsonl",
                                                                  ROOT / "corpus" / "round6" / "postings.jsonl")
              for line in path.read_text(encoding="utf-8").splitlines()]
    with ROME.open(encoding="utf-8") as file:
        titles += [row["libelle_appellation_long"] for row in csv.DictReader(file)]
    assert len(titles) > 15_000
    assert [t for t in titles if sectioner.unnamed.is_remnant(t)] == []


def test_a_deleted_title_leaves_the_posting_to_its_missions(classifier):
    text = ("Vous définissez la vision et la roadmap du produit, menez la discovery avec les utilisateurs, "
            "construisez le business case et suivez les KPI avec le marketing et la finance.")
    unnamed = classifier.analyzer.sectioner.unnamed.id
    for title in ("Senior  - Paiements", "Senior Product Manager - Paiements"):
        assert unnamed not in {h.rule_id for h in classifier.analyse(text, title=title).hits}, title
    assert unnamed in {h.rule_id for h in classifier.analyse(text, title="Comptable - Paiements").hits}
    assert classifier.classify(text, title="Senior  - Paiements").label == "PM"


def test_a_text_whose_line_breaks_were_lost_is_read_sentence_by_sentence(sectioner):
    missions = "Vous priorisez le backlog avec l'équipe et rédigez les user stories de chaque sprint. " * 8
    flat = (f"Product Owner H/F. Notre mission : simplifier l'assurance. {missions}Nous sommes un employeur "
            f"garantissant l'égalité des chances, equal opportunity employer. {missions}Profil : cinq ans d'expérience.")
    sections = sectioner.sections(flat)
    assert sections.at(flat.index("equal opportunity")) == "legal"  # the legal sentence only…
    assert sections.at(flat.rindex("Vous priorisez")) == "posting"  # …not the rest of the posting
    assert sections.at(flat.index("Vous priorisez")) == "posting"  # a company heading mid-line opens nothing
    assert sections.at(flat.index("cinq ans")) == "posting"
    # a paragraph of ordinary length stays one line: its legal phrase makes all of it legal
    paragraph = "Nous sommes equal opportunity employer. Toutes les candidatures sont étudiées."
    assert sectioner.sections(paragraph).at(paragraph.index("Toutes")) == "legal"


@pytest.mark.parametrize("statement", [
    "Nous accueillons toutes les candidatures, quels que soient l'âge, l'origine ethnique, l'orientation sexuelle "
    "ou l'identité de genre.",
    "We welcome applicants regardless of race, religion, sexual orientation, gender identity or veteran status.",
    "Si vous avez besoin de mesures d’adaptation pendant le processus, écrivez-nous.",
])
def test_an_equal_opportunity_statement_without_a_heading_is_legal_text(sectioner, statement):
    text = f"## Vos missions\nVous priorisez le backlog et rédigez les user stories.\n{statement}\nProfil : trois ans."
    sections = sectioner.sections(text)
    assert sections.at(text.index(statement)) == "legal"
    assert sections.at(text.index("Vous priorisez")) == sections.at(text.index("trois ans")) == "posting"


PAGE_TOP = ("EmploiCentral.fr — l'emploi en région\n"
            "🍪 Ce site utilise des cookies. [J'accepte] [Je refuse]\n"
            "Accueil › Offres › Informatique\n"
            "Nous utilisons des cookies pour mesurer l'audience du site et améliorer votre expérience de "
            "navigation. En poursuivant, vous acceptez leur utilisation. [Accepter] [Paramétrer]\n"
            "{title}\n"
            "Maison Verlaine · Lyon · CDI\n"
            "\n"
            "## Vos missions\n"
            "Vous priorisez le backlog de l'équipe, rédigez les user stories et animez les sprints avec les "
            "développeurs.\n")


@pytest.mark.parametrize("title, unnamed", [
    ("Product Owner – Paiements (H/F)", False),  # the job's title, under the site's name, names a product role
    ("■ – Paiements (H/F)", False),  # masked
    ("[poste] – Paiements (H/F)", False),
    ("Comptable fournisseurs (H/F)", True),  # another job: the rule fires, on the header line
])
def test_a_title_under_the_sites_name_decides_whether_the_page_names_a_product_role(classifier, title, unnamed):
    """A saved page's header is often the site's name: the rule "no product role named" read it as
    the title and gave OTHER its weight, even where the title under it was masked."""
    text = PAGE_TOP.format(title=title)
    rule = classifier.analyzer.sectioner.unnamed.id
    hits = [h for h in classifier.analyse(text).hits if h.rule_id == rule]
    assert bool(hits) is unnamed
    assert all(h.section == "header" and text[h.start:h.end].startswith("EmploiCentral.fr") for h in hits)


def test_buttons_wrapped_text_and_a_second_sentence_are_no_title_under_the_header(classifier):
    rule = classifier.analyzer.sectioner.unnamed.id
    for text in ("Comptable (H/F)\nAccueil › Offres [Se connecter] [Créer une alerte]\nLyon",
                 "Comptable (H/F)\n[ Postuler ]   [ ☆ Sauvegarder ]\nLyon",
                 "Assistant comptable H/F\nOrganisation, gestion des priorités,\nrigueur [poste]",
                 "Comptable (H/F)\nVous travaillerez avec le Product Owner de l'ERP.\nPO – Finance"):
        assert rule in {h.rule_id for h in classifier.analyse(text).hits}, text


def test_a_line_of_markup_is_no_header(sectioner):
    for text in ("{% comment ---------------------------------- %}\nWe build login services.",
                 "{% if page.state == 'upcoming' %}\nWe build login services.",
                 "<!-- ------------------------------------ -->\nWe build login services.",
                 "- Vous priorisez le backlog.\nSuite du texte."):
        assert "header" not in sectioner.sections(text).kinds, text


def test_folding_keeps_every_offset():
    from classifier.sections import fold_in_place

    text = "Données Personnelles › Accueil – d’autres œuvres İstanbul 😀 MENTIONS LÉGALES"
    folded = fold_in_place(text)
    assert len(folded) == len(text)
    assert folded.startswith("donnees personnelles") and folded.endswith("mentions legales")
    assert "d'autres" in folded
    assert folded[text.index("›")] != folded[text.index("–")]  # the breadcrumb is not any other mark


def test_the_model_speaks_for_the_roles_the_rules_put_forward(classifier):
    """Only OTHER's terms and those of the product roles some rule supports count; with no rule of a
    product role, no term counts at all."""
    po_only = classifier.classify("Vous rédigez les user stories et priorisez le backlog avec l'équipe Scrum.")
    assert po_only.label == "PO"
    for label in ("CPO", "PM"):
        part = po_only.explanation[label]
        assert not [r for r in part.rules if r.contribution] and part.other_terms == 0.0
        assert all(t.contribution == 0.0 for t in part.terms)
    assert any(t.contribution != 0.0 for t in po_only.explanation["PO"].terms)
    nothing = classifier.classify("Nous recrutons pour notre magasin de Lyon, poste en CDI, horaires du matin.")
    assert nothing.label == "OTHER"
    assert all(t.contribution == 0.0 for part in nothing.explanation.values() for t in part.terms)


@pytest.mark.parametrize("title", ["[MASK] (H/F)", "■ – Lyon", "<mask> senior", "XXX - CDI", "[poste] (F/H)",
                                   "Senior <JOB_TITLE>", "{{ intitulé }} – Paris", "___ confirmé·e", "Lead █"])
def test_a_title_masked_by_any_tool_is_not_read_as_naming_no_product_role(classifier, title):
    hits = classifier.analyse("Vous priorisez le backlog avec les développeurs.", title).hits
    assert not [h for h in hits if h.rule_id == "title.no_product_role"]
    assert [h for h in classifier.analyse("Texte.", "Comptable (H/F)").hits if h.rule_id == "title.no_product_role"]


def test_mask_patterns_that_do_not_compile_are_refused(tmp_path):
    from classifier.sections import read_cues_file, load_unnamed_rule

    path = tmp_path / "sections.toml"
    path.write_text("[unnamed]\nid = 'u'\nlabel = 'OTHER'\nweight = 1\nmask_patterns = ['[unclosed']\n", encoding="utf-8")
    with pytest.raises(RulesError, match="mask_patterns"):
        load_unnamed_rule(read_cues_file(path), path)


def test_an_acronym_the_posting_defines_as_another_role_is_that_roles(classifier):
    """"Project Manager (PM)" makes the posting's PM a project manager: a hit of the project
    manager's rule, none of the product manager's."""
    def roles(text):
        return [(h.rule_id, h.matched) for h in classifier.analyse(text).hits if h.kind == "role_name"]
    assert roles("Le Project Manager (PM) pilote le planning. Le PM anime le COPIL.") == \
        [("role.chef_de_projet", "Project Manager"), ("role.chef_de_projet", "PM"), ("role.chef_de_projet", "PM")]
    assert roles("Notre Product Manager (PM) porte la vision. Le PM anime la discovery.") == \
        [("role.pm", "Product Manager"), ("role.pm_acronym", "PM"), ("role.pm_acronym", "PM")]


@pytest.mark.parametrize("title, text, acronym", [
    ("Chief Procurement Officer (CPO)", "Vous dirigez les achats. Le CPO siège au comité exécutif.", "CPO"),
    (None, "Vous saisissez les bons de commande (PO) et rapprochez les PO des factures.", "PO"),
    (None, "Notre Project Manager organise le chantier ; le PM rend compte chaque semaine.", "PM"),
    ("Customer Service Rep", "Shifts from 9 AM to 5 PM, Monday to Friday.", "PM"),
])
def test_an_acronym_that_means_something_else_here_names_no_product_role(classifier, title, text, acronym):
    """Defined in brackets after something else (in the title or the text), spelt by the initials of
    another role the posting names, or a time: the acronym is not the product role's (it is the other
    role's, when it names one)."""
    hits = classifier.analyse(text, title).hits
    assert acronym in text and not [h for h in hits if h.matched == acronym and h.kind == "role_name"
                                    and h.label != "OTHER"]


@pytest.mark.parametrize("text, declared", [
    ("As Product Owner, you will own the backlog of the claims squad.", True),
    ("## What you'll do\n\n- As Head of Product you will lead four product managers.", True),
    ("The squad ships weekly. As Product Manager for Payments, you decide what comes next.", True),
    ("We hire roles such as product managers and designers.", False),
    ("Experience as Product Owner in a bank is a plus.", False),
])
def test_as_opening_a_sentence_declares_the_jobs_role(classifier, text, declared):
    roles = [h for h in classifier.analyse(text).hits if h.kind == "role_name"]
    assert roles and roles[0].declared is declared


def test_an_acronym_of_another_head_declared_as_the_job_closes_the_head_of_products_gate(classifier):
    """"Chief People Officer", then "As our CPO, you will…": the job's own role is the head of people's,
    declared, so the head of product's model terms (executive committee, strategy) do not count."""
    from classifier.combine import model_gates

    text = ("The CEO is appointing a Chief People Officer, a new position on the executive committee.\n\n"
            "As our CPO, you will define the people strategy with the executive committee and lead HR.")
    analysis = classifier.analyse(text)
    acronym = [h for h in analysis.hits if h.matched == "CPO"]
    assert [(h.label, h.declared) for h in acronym] == [("OTHER", True)]
    assert model_gates(analysis.hits, classifier.classes)[classifier.classes.index("CPO")] == 0


def test_an_executive_search_mandate_for_another_head_closes_the_head_of_products_gate(classifier):
    """An executive search's page "retained … to appoint its first Chief Marketing Officer" declares
    the job: its executive committee, board and strategy are the head of marketing's, and the head of
    product named among the committee's members is a colleague."""
    from classifier.combine import model_gates

    text = ("Maybrook Search has been retained by a meal-planning app to appoint its first Chief Marketing "
            "Officer.\n\nThe CMO will report to the CEO and join an executive committee of six, alongside "
            "the CFO, CTO, Chief Product Officer and COO. The appointee will set the marketing strategy, own "
            "the brand and a budget of £18m, and lead a team of 34 across brand, CRM and partnerships.")
    analysis = classifier.analyse(text)
    head_of_marketing = next(h for h in analysis.hits if h.matched == "Chief Marketing Officer")
    assert head_of_marketing.label == "OTHER" and head_of_marketing.declared
    assert model_gates(analysis.hits, classifier.classes)[classifier.classes.index("CPO")] == 0
    assert classifier.classify(text).label == "OTHER"


def test_an_acronym_the_posting_means_as_its_own_role_stays(classifier):
    hits = classifier.analyse("Le CPO encadre l'équipe produit.", "Chief Product Officer (CPO)").hits
    assert [h.rule_id for h in hits if h.matched == "CPO"] == ["role.cpo_acronym", "role.cpo_acronym"]
    assert [h.matched for h in classifier.analyse("Le PO porte le backlog au quotidien.").hits
            if h.kind == "role_name"] == ["PO"]


def test_a_relabelling_file_as_excel_writes_it_is_read(tmp_path):
    """Semicolons, a BOM, CRLF and a quoted reason over two lines, as the tables' reader takes them."""
    review = tmp_path / "review.csv"
    review.write_bytes('\ufeffid;label;reason\r\nd1;pm;"owns the range;\r\nits prices"\r\nd2;OTHER;x\r\n'.encode("utf-8"))
    assert read_relabelling(review) == {"d1": "PM", "d2": "OTHER"}


@pytest.mark.parametrize("title, rank_only", [
    ("Director of Platform", True), ("Directeur/directrice de plateforme", True), ("Head of Payments (H/F)", True),
    ("Login.gov: Deputy Director GS15", True), ("TTS Deputy Director", True), ("Directeur·rice de l'offre (H/F)", True),
    ("Vice-président(e) plateforme", True), ("Director, Digital Services", True),
    # a trade, another job's name, a job the rank qualifies, or more than a domain: the title names a job
    ("Head of Growth", False), ("VP Engineering", False), ("Directeur de magasin de détail (H/F)", False),
    ("Pharmacien adjoint / Pharmacienne adjointe (H/F)", False), ("Head Nurse", False), ("Comptable (H/F)", False),
    ("Directeur adjoint du service des expositions temporaires", False),
    # ROME titles its directors by their establishment or field: those name a job too
    ("Directeur / Directrice de restaurant", False), ("Directrice de centre de loisirs (H/F)", False),
    ("Directeur de travaux BTP", False),
    # innovation is a department of its own (ROME's "Responsable innovation"), not a product area
    ("Directeur·rice Innovation (F/H)", False), ("Head of Innovation", False),
    # a rank over digital or online services, an offer or users' experience, however many such words;
    # the civil service's ranks ("chef du bureau", "sous-directeur") only over such words
    ("Director, Digital Public Services", True), ("Head of Student Digital Experience", True),
    ("Directeur·rice des services numériques voyageurs (H/F)", True), ("Head of Unit – Online Services (AD 10)", True),
    ("Chef·fe du bureau des services en ligne (F/H) – Head of Online Services Office", True),
    ("Sous-directeur·rice du numérique", True),
    ("Chef de service transit (H/F)", False), ("Chef.fe du bureau du greffe et de l'exécution", False), ("Chef de bureau", False),
    ("Head of Service – Children’s Social Care (Fostering & Permanence)", False),
    ("Directeur·rice de la relation aux usagers", False), ("Chef·fe de service Études et développements (F/H)", False),
    # key accounts are sales' trade; customers are no trade (a head of digital customer journeys leads a product area)
    ("Director, Enterprise Accounts", False), ("Directeur·rice Grands Comptes (H/F)", False),
    ("Head of Digital Customer Journeys", True),
    ("Directeur·rice des systèmes d’information et du numérique (F/H)", False),
    ("Sous-directeur·rice des applications", False)])
def test_a_title_that_names_a_rank_and_no_job_weighs_nothing(classifier, title, rank_only):
    unnamed = classifier.analyzer.sectioner.unnamed
    assert unnamed.rank_only(title) is rank_only
    hits = [h for h in classifier.analyse("Texte.", title).hits if h.unnamed]
    assert [(h.rule_id, h.weight > 0) for h in hits] == [(unnamed.rank.id if rank_only else unnamed.id, not rank_only)]


def test_a_head_of_a_product_platform_titled_by_rank_reads_as_the_page_says(classifier):
    """The page of a head of product whose title names a rank and a domain reads CPO with its title,
    as without it; under a title naming a trade, the title's evidence for OTHER stays."""
    text = ("Vous définissez la stratégie produit de la plateforme et sa feuille de route, arbitrez le "
            "portefeuille de produits et les budgets, et dirigez les équipes produit (six chefs de produit et "
            "deux designers). Vous siégez au comité de direction et rendez compte au directeur général.")
    page = classifier.classify(text, title="Directrice de plateforme (H/F)")
    assert page.label == classifier.classify(text).label == "CPO"
    assert [r.contribution for r in page.explanation["OTHER"].rules if r.rule_id == "title.rank_only"] == [0.0]
    growth = classifier.classify(text, title="Head of Growth (H/F)")
    assert [r.rule_id for r in growth.explanation["OTHER"].rules if r.contribution > 0] == ["title.no_product_role"]
    assert growth.probabilities["OTHER"] > page.probabilities["OTHER"]
    header = classifier.analyse("Directrice de plateforme (H/F)\n\n" + text).hits
    assert [h.rule_id for h in header if h.unnamed] == ["title.rank_only"]
    from classifier.render import as_text
    assert "Titre sans métier : « Directrice de plateforme (H/F) » nomme un rang" in as_text(page)
    assert "Titre sans métier" not in as_text(growth)


DEPUTY_HEAD = """Our agency builds the online services millions of residents use to claim benefits.

## What you will do
- Own the product strategy of the agency's online services and set measurable goals for its product portfolio
- Lead multiple teams of engineers, designers and analysts, and coach their managers
- Represent the service to the executive team and report on progress to the board
"""

DEPUTY_OTHER = """Our agency builds the online services millions of residents use to claim benefits.

## What you will do
- Run the agency's operations, procurement and contracts, with the finance and legal teams
- Lead multiple teams of officers and analysts, and coach their managers
- Represent the service to the executive team and report on progress to the board
"""


def test_a_rank_title_over_a_page_that_holds_the_product_strategy_is_a_head_of_products(classifier):
    """"Deputy Director" names a rank and no job; a page that gives the job the product strategy and
    portfolio (`heads_product` rules) makes it a head of product's: OTHER's head start is lifted, as
    under a named product role. A page of rank words only (teams led, the executive team) keeps it."""
    from classifier.combine import heads_product_by_rank
    from classifier.render import as_text

    head = classifier.classify(DEPUTY_HEAD, title="Deputy Director (GS-15)")
    other = classifier.classify(DEPUTY_OTHER, title="Deputy Director (GS-15)")
    assert heads_product_by_rank(classifier.analyse(DEPUTY_HEAD, "Deputy Director (GS-15)").hits)
    assert not heads_product_by_rank(classifier.analyse(DEPUTY_OTHER, "Deputy Director (GS-15)").hits)
    assert all(part.prior == 0.0 for part in head.explanation.values())
    assert other.explanation["OTHER"].prior > 2.0 > other.explanation["CPO"].prior
    assert (head.label, other.label) == ("CPO", "OTHER")
    for result in (head, other):
        assert all(part.total() == pytest.approx(part.score, abs=1e-9) for part in result.explanation.values())
    assert "le rang d'un·e responsable produit, sans avance pour OTHER" in as_text(head)
    assert "sans poids, l'annonce décide" in as_text(other)
    # under a title that names another job ("Head of Operations"), a rank the text declares is that job's
    declared = "We are looking for a Deputy Director to lead our online services.\n\n" + DEPUTY_HEAD
    assert [h.matched for h in classifier.analyse(declared, "Head of Operations").hits if h.rank_only]
    assert not heads_product_by_rank(classifier.analyse(declared, "Head of Operations").hits)


@pytest.mark.parametrize("sentence, name", [
    ("To grow it, we are looking for a Director of Platform to ensure the delivery of its products.", "Director of Platform"),
    ("Nous recrutons un·e Directeur·rice de plateforme pour piloter nos produits.", "Directeur·rice de plateforme"),
    ("Nous recherchons notre futur·e directeur·rice des services numériques (H/F).", "directeur·rice des services numériques"),
    ("We're hiring a Head of Payments, remote.", "Head of Payments"),
    ("As the Deputy Director, you will lead the delivery organisation.", "Deputy Director"),
    ("We are looking for a Product Manager to join us.", "Product Manager"),
    ("We are looking for someone who loves maps.", "someone"),
    # the job's title as the subject a line or a sentence opens with, a Markdown link among its words
    ("Our mission.\n\nThe [Login.gov](https://login.gov/) Deputy Director is the primary advisor.",
     "[Login.gov](https://login.gov/) Deputy Director"),
    ("Rattaché·e au directeur général. Le ou la directeur·rice de plateforme est membre du comité.",
     "directeur·rice de plateforme")])
def test_the_name_a_text_declares_for_its_job_is_found(sectioner, sentence, name):
    anything = re.compile(r"\w+")
    assert [sentence[start:end] for start, end in sectioner.mentions.declared_names(sentence, anything)] == [name]
    ranks = sectioner.unnamed.rank.first_words  # the names around a rank's first word only
    assert [sentence[start:end] for start, end in sectioner.mentions.declared_names(sentence, ranks)] == \
        ([name] if ranks.search(name.casefold()) else [])


def test_a_text_without_title_that_declares_a_rank_title_reads_it_as_its_title(classifier):
    """Read without its title, a page that declares the job by a rank ("we are looking for a Deputy
    Director to…") holds a rank-only hit of weight 0 in its own sections, which, beside the head of
    product's own cues, lifts OTHER's head start; in a list of other offers, or as a product role's
    name, or masked, no such hit."""
    text = "We are looking for a Deputy Director to lead our online services.\n\n" + DEPUTY_HEAD
    hits = [h for h in classifier.analyse(text).hits if h.rank_only]
    assert [(h.matched, h.section, h.declared, h.weight) for h in hits] == [("Deputy Director", "posting", True, 0.0)]
    result = classifier.classify(text)
    assert result.label == "CPO" and result.explanation["OTHER"].prior == 0.0
    assert classifier.classify(DEPUTY_HEAD).explanation["OTHER"].prior > 2.0  # no title, no declared rank
    offers = DEPUTY_OTHER + "\n## Offres similaires\nWe are looking for a Director of Platform to join us\n"
    assert not [h for h in classifier.analyse(offers).hits if h.rank_only]
    described = "The Deputy Director will lead our online services.\n\n" + DEPUTY_HEAD
    assert [(h.matched, h.declared) for h in classifier.analyse(described).hits if h.rank_only] == [("Deputy Director", True)]
    assert classifier.classify(described).explanation["OTHER"].prior == 0.0
    # a rank mid-sentence is the subject of nothing the text declares ("report to the Director")
    assert not [h for h in classifier.analyse("You report to the Director. " + DEPUTY_HEAD).hits if h.rank_only]
    named = "We are looking for a Head of Product to lead our online services.\n\n" + DEPUTY_HEAD
    assert not [h for h in classifier.analyse(named).hits if h.rank_only]
    assert not [h for h in classifier.analyse(classifier.mask(named)).hits if h.rank_only]


@pytest.mark.parametrize("table, message", [
    ("id = 'r'\nweight = -1\ndomain_words = 2\nranks = ['head of']", "weight"),
    ("id = 'r'\nweight = 0\ndomain_words = 2\nranks = []", "ranks"),
    ("id = 'r'\nweight = 0\nranks = ['director']", "domain_words"),
    ("id = 'r'\nweight = 0\ndomain_words = 1\nranks = ['director']\ntrades = 'data'", "trades"),
    ("id = 'r'\nweight = 0\ndomain_words = 1\nranks = ['director']\nservices = 'digital'", "services"),
    ("id = 'r'\nweight = 0\ndomain_words = 1\nranks = ['director']\nservice_ranks = [1]", "service_ranks")])
def test_a_rank_titles_table_that_is_not_well_formed_is_refused(tmp_path, table, message):
    from classifier.sections import read_cues_file, load_unnamed_rule

    path = tmp_path / "sections.toml"
    path.write_text(f"[unnamed]\nid = 'u'\nlabel = 'OTHER'\nweight = 1\n\n[unnamed.rank]\n{table}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_unnamed_rule(read_cues_file(path), path)
