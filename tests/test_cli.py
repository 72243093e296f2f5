"""The `classify` commands (in-process; the installed entry points where the process matters):
output for people and machines, bad input, bad models, exit codes."""
from __future__ import annotations

import csv
import errno
import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, command, run, run_installed

EXAMPLE = ROOT / "examples" / "product-owner.txt"


def one_error_line(done) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_text_output_from_another_directory(tmp_path):
    done = run_installed("classify", str(EXAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Poste : PO — Product Owner" in done.stdout
    assert "Confiance :" in done.stdout and "%" in done.stdout
    assert "« user stories »" in done.stdout


def test_json_output_parses_with_the_documented_keys(tmp_path):
    done = run("classify", "--format", "json", str(EXAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"label", "confidence", "scores", "probabilities", "explanation"} <= set(payload)
    assert payload["label"] == "PO" and 0.5 < payload["confidence"] <= 1
    assert set(payload["explanation"]) == {"CPO", "PO", "PM", "OTHER"}


def test_several_files_and_standard_input(tmp_path):
    other = tmp_path / "other.md"
    other.write_text("## Comptable\nVous tenez la comptabilité fournisseurs, les clôtures mensuelles et la TVA.",
                     encoding="utf-8")
    done = run("classify", "--format", "json", str(EXAMPLE), str(other))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(EXAMPLE), str(other)]
    assert [line["label"] for line in lines] == ["PO", "OTHER"]
    piped = run("classify", "--format", "json", "-", input=EXAMPLE.read_bytes())
    assert json.loads(piped.stdout)["label"] == "PO"


def test_a_folder_is_its_posting_files_in_order_of_name(tmp_path):
    """A folder given as FILE stands for the postings in it, by name; hidden files, Office's lock
    files, tables (an earlier run's output) and subfolders are left out; a .doc or a Pages document
    among them gets its row and its hint, and the others are classified."""
    folder = tmp_path / "offres"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "b-product-owner.txt")
    shutil.copy(ROOT / "examples" / "chef-de-produit.pdf", folder / "A-chef.pdf")
    (folder / "c-comptable.md").write_text("## Comptable\nVous tenez la comptabilité fournisseurs et les clôtures.",
                                           encoding="utf-8")
    (folder / "d-ancien.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    (folder / "e-mac.pages").write_bytes(b"PK\x03\x04 Pages")
    for left_out in (".brouillon.txt", "~$A-chef.docx", "dossier.csv"):
        (folder / left_out).write_text("file,label\n", encoding="utf-8")
    (folder / "archives").mkdir()
    done = run("classify", str(folder), "-q", "-o", str(tmp_path / "dossier.csv"))
    assert done.returncode == 1, done.stderr  # the .doc's row has an error
    rows = list(csv.DictReader(io.StringIO((tmp_path / "dossier.csv").read_text(encoding="utf-8"))))
    assert [Path(r["file"]).name for r in rows] == ["A-chef.pdf", "b-product-owner.txt", "c-comptable.md",
                                                    "d-ancien.doc", "e-mac.pages"]
    assert [r["label"] for r in rows] == ["PM", "PO", "OTHER", "", ""]
    assert ".docx" in rows[3]["error"] and "a Pages document cannot be read" in rows[4]["error"]


def test_a_folder_of_tables_points_to_classifying_a_table(tmp_path):
    folder = tmp_path / "mes tables"
    folder.mkdir()
    shutil.copy(ROOT / "examples" / "postings.csv", folder / "export 2024.csv")
    (folder / "~$export 2024.xlsx").write_bytes(b"lock")
    done = run("classify", str(folder))
    assert done.returncode == 3
    assert one_error_line(done).endswith(f"classify '{folder / 'export 2024.csv'}'")  # quoted, to paste


def test_a_folder_is_read_in_the_order_a_file_manager_shows_and_without_this_runs_outputs(tmp_path):
    """Accents and case aside ("École" between "bac" and "zèbre"); the results written into the
    folder itself (-o, --report) are not read as postings by the next run."""
    for name in ("zèbre.txt", "École.txt", "bac.txt"):
        shutil.copy(EXAMPLE, tmp_path / name)
    for _ in range(2):
        done = run("classify", str(tmp_path), "--format", "jsonl", "-o", str(tmp_path / "résultats.txt"))
        assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (tmp_path / "résultats.txt").read_text(encoding="utf-8").splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["bac.txt", "École.txt", "zèbre.txt"]


def test_results_redirected_into_the_folder_are_not_read_as_postings(tmp_path):
    """`classify offres/ > offres/resultats.txt`: the shell has made the file empty before classify
    lists the folder; it is left out, with a note, and so is it (and an HTML page classify wrote)
    on the next run, where it holds the results: no row for it, no empty-file error."""
    folder = tmp_path / "offres"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a-product-owner.txt")
    (folder / "b-comptable.md").write_text("## Comptable\nVous tenez la comptabilité fournisseurs et les clôtures.",
                                           encoding="utf-8")
    # a posting laid out like a report's first lines is still a posting
    (folder / "c-poste.txt").write_text("Offre 2026-118\n  Poste : Product Owner (H/F)\n  Lieu : Lyon\n"
                                        "Vous priorisez le backlog et rédigez les user stories.", encoding="utf-8")
    page = run("classify", "--format", "html", str(folder / "a-product-owner.txt"))
    (folder / "rapport.html").write_text(page.stdout, encoding="utf-8")
    for _ in range(2):
        with open(folder / "resultats.txt", "wb") as output:
            done = subprocess.run([command("classify"), str(folder)], stdout=output, stderr=subprocess.PIPE,
                                  timeout=300)
        stderr = done.stderr.decode("utf-8")
        assert done.returncode == 0, stderr
        assert "resultats.txt left out: standard output is written to it" in stderr
        report = (folder / "resultats.txt").read_text(encoding="utf-8")
        assert [line for line in report.splitlines() if line and not line.startswith(" ")] == [
            str(folder / "a-product-owner.txt"), str(folder / "b-comptable.md"), str(folder / "c-poste.txt")]
    assert "rapport.html left out: a report classify wrote" in stderr
    by_name = run("classify", "--format", "json", str(folder / "resultats.txt"), str(folder / "b-comptable.md"))
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout)["label"] == "OTHER"  # one posting left: one JSON object
    alone = run("classify", str(folder / "resultats.txt"))
    assert alone.returncode == 3 and "nothing left to classify" in alone.stderr.splitlines()[-1]


def test_a_pattern_the_shell_left_is_expanded(tmp_path):
    """Windows' shells pass `offres\\*.txt` as it is: classify expands it; one matching nothing is
    an input error in one line."""
    shutil.copy(EXAMPLE, tmp_path / "one.txt")
    shutil.copy(EXAMPLE, tmp_path / "two.txt")
    done = run("classify", "--format", "json", str(tmp_path / "*.txt"))
    assert done.returncode == 0, done.stderr
    assert [Path(json.loads(line)["file"]).name for line in done.stdout.splitlines()] == ["one.txt", "two.txt"]
    (tmp_path / "~$one.txt").write_text("lock", encoding="utf-8")  # Office's lock file, left out as in a folder
    assert run("classify", "--format", "json", str(tmp_path / "*.txt")).stdout == done.stdout
    missing = run("classify", str(tmp_path / "*.pdf"))
    assert missing.returncode == 3 and "no such file" in one_error_line(missing)


def test_a_pattern_through_a_folder_named_with_brackets_takes_the_folder_as_named(tmp_path):
    """Exports land in folders such as "offres [2026]": a pattern's folder part that exists as
    written is that folder, not a class of characters ("2", "0" or "6")."""
    folder = tmp_path / "offres [2026]"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "one.txt")
    shutil.copy(EXAMPLE, folder / "two.txt")
    (tmp_path / "offres 2").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "offres 2" / "other.txt")
    done = run("classify", "--format", "json", str(folder / "*.txt"))
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["file"] for line in done.stdout.splitlines()] == [str(folder / "one.txt"),
                                                                              str(folder / "two.txt")]
    (folder / "janvier").mkdir()  # a pattern below it: the brackets are still the folder's name
    shutil.copy(EXAMPLE, folder / "janvier" / "one.txt")
    shutil.copy(EXAMPLE, folder / "janvier" / "two.txt")
    deeper = run("classify", "--format", "json", str(folder / "*" / "*.txt"))
    assert deeper.returncode == 0, deeper.stderr
    assert [json.loads(line)["file"] for line in deeper.stdout.splitlines()] == [
        str(folder / "janvier" / "one.txt"), str(folder / "janvier" / "two.txt")]


def test_title_option_flags_a_conflicting_title():
    done = run("classify", "--title", "Chef de produit (H/F)", str(EXAMPLE))
    assert done.returncode == 0
    assert "⚠ Le titre « Chef de produit (H/F) » désigne PM" in done.stdout


def test_help_and_version():
    assert "Exit codes" in run("classify", "--help").stdout
    assert run("classify", "--version").stdout.startswith("classify, version ")
    assert "--out" in run("classify-train", "--help").stdout
    assert "masked" in run("classify-evaluate", "--help").stdout


def test_a_file_named_like_a_command_is_classified(tmp_path):
    (tmp_path / "train").write_bytes(EXAMPLE.read_bytes())
    done = run("classify", "train", cwd=tmp_path)
    assert done.returncode == 0 and "Product Owner" in done.stdout


@pytest.mark.parametrize("make, code, words", [
    (lambda d: d / "missing.txt", 3, "no such file"),
    (lambda d: (d / "empty.txt").write_text("  \n") and d / "empty.txt", 3, "empty file"),
    (lambda d: (d / "data.bin").write_bytes(bytes(range(256)) * 8) and d / "data.bin", 3, "binary"),
    (lambda d: (d / "latin.txt").write_bytes("Chef de produit à Orléans, stratégie été".encode("cp1252")) and d / "latin.txt",
     3, "--encoding"),
    (lambda d: d, 3, "directory"),
])
def test_bad_input_gives_one_line_and_an_exit_code(tmp_path, make, code, words):
    done = run("classify", str(make(tmp_path)))
    assert done.returncode == code
    assert words in one_error_line(done)
    assert done.stdout == ""


def test_encoding_option_reads_cp1252(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").replace("·", "").encode("cp1252"))
    done = run("classify", "--encoding", "cp1252", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["label"] == "PO"


def test_a_cp1252_file_read_as_latin_1_reads_as_cp1252(tmp_path):
    """`--encoding latin-1` (or a tool that did so) on a Windows export turns its apostrophes, "œ" and
    quotes into C1 control characters: they are read as Windows-1252, as browsers do."""
    text = ("Nous recrutons notre Product Owner pour l’équipe « cœur de métier ». Vous priorisez le backlog, "
            "rédigez les user stories et leurs critères d’acceptation – et animez la démo de fin de sprint.")
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode("cp1252"))
    as_latin_1 = json.loads(run("classify", "--encoding", "latin-1", "--format", "json", str(path)).stdout)
    as_cp1252 = json.loads(run("classify", "--encoding", "cp1252", "--format", "json", str(path)).stdout)
    assert "\x92" in path.read_bytes().decode("latin-1")
    assert as_latin_1["text"] == text == as_cp1252["text"]
    assert as_latin_1["label"] == as_cp1252["label"] == "PO"
    assert as_latin_1["explanation"] == as_cp1252["explanation"]


def test_broken_rule_file(tmp_path):
    (tmp_path / "fr.toml").write_text("[[rule]]\nid = 'po.x'\nlabel = 'PO'\nkind = 'activity'\nweight = -1\n"
                                      "source = 7\nphrases = ['scrum']\n", encoding="utf-8")
    done = run("classify", "--rules", str(tmp_path), str(EXAMPLE))
    assert done.returncode == 4
    line = one_error_line(done)
    assert "fr.toml" in line and "po.x" in line and "weight" in line


def copy_model(tmp_path) -> Path:
    from classifier.resources import default_model_dir

    target = tmp_path / "model"
    shutil.copytree(default_model_dir(), target)
    return target


def test_model_changed_by_one_byte_is_refused(tmp_path):
    model = copy_model(tmp_path)
    data = bytearray((model / "model.npz").read_bytes())
    data[len(data) // 2] ^= 0x01
    (model / "model.npz").write_bytes(bytes(data))
    done = run("classify", "--model", str(model), str(EXAMPLE))
    assert done.returncode == 5
    assert "SHA-256" in one_error_line(done)


@pytest.mark.parametrize("damage, words", [
    (lambda m: (m / "manifest.json").write_text("{ not json"), "manifest is not valid JSON"),
    (lambda m: (m / "manifest.json").unlink(), "no manifest"),
    (lambda m: (m / "tokenizer.bin").unlink(), "model file missing"),
])
def test_corrupt_model_directory(tmp_path, damage, words):
    model = copy_model(tmp_path)
    damage(model)
    done = run("classify", "--model", str(model), str(EXAMPLE))
    assert done.returncode == 5 and words in one_error_line(done)


def test_a_model_of_an_older_format_asks_to_be_trained_again(tmp_path):
    model = copy_model(tmp_path)
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 1
    (model / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = run("classify", "--model", str(model), str(EXAMPLE))
    assert done.returncode == 5 and "train the model again" in one_error_line(done)


def test_library_version_mismatch_is_a_warning(tmp_path):
    model = copy_model(tmp_path)
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    manifest["libraries"]["scikit-learn"] = "0.0.1"
    (model / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = run("classify", "--model", str(model), str(EXAMPLE))
    assert done.returncode == 0
    assert "warning: model trained with scikit-learn 0.0.1" in done.stderr


def test_percentages_never_claim_certainty():
    from classifier.render import percent

    assert [percent(p) for p in (0.9999, 0.994, 0.5, 0.004, 0.0)] == ["> 99 %", "99 %", "50 %", "< 1 %", "< 1 %"]


def test_a_file_with_no_text_does_not_lose_the_others(tmp_path):
    empty_html = tmp_path / "vide.html"
    empty_html.write_text("<p></p>\n<div>&nbsp;</div>", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run("classify", "--format", "jsonl", "-o", str(out), str(EXAMPLE), str(empty_html))
    assert done.returncode == 3 and "vide.html" in one_error_line(done)
    assert [json.loads(line)["label"] for line in out.read_text(encoding="utf-8").splitlines()] == ["PO"]
    assert [p.name for p in tmp_path.iterdir() if ".classify-partial-" in p.name] == []


# -- usage errors, files that cannot be opened or written (issue 9) ----------------------------


def table(directory: Path, name: str = "offres.csv") -> Path:
    path = directory / name
    path.write_text("id,description\n1,Vous priorisez le backlog et rédigez les user stories.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command, args, words", [
    ("classify", lambda d: ["--title", "PO", str(EXAMPLE), str(EXAMPLE)], "--title goes with a single posting"),
    ("classify", lambda d: ["--excel", str(EXAMPLE)], "--excel is for CSV output"),
    ("classify", lambda d: [str(table(d)), "-o", str(d / "r.xls")], "classify does not write an Excel 97-2003 workbook"),
    ("classify", lambda d: [str(EXAMPLE), "-o", str(d / "r.pdf")], "classify does not write a PDF"),
    ("classify", lambda d: [str(table(d)), "-o", str(d / "r.json")], "tables are written as JSON Lines"),
    ("classify", lambda d: [str(table(d)), "-o", str(d / "r.html")], "--report FILE.html writes the summary page"),
    ("classify", lambda d: ["--delimiter", "ab", str(table(d))], "the delimiter is one character"),
    ("classify", lambda d: [str(table(d)), str(table(d, "autre.csv"))], "one file at a time"),
    ("classify-train", lambda d: [str(EXAMPLE), "-o", str(d / "m")], "training data is a CSV, JSONL or Excel file"),
])
def test_usage_errors_exit_2_in_clicks_style(tmp_path, command, args, words):
    done = run(command, *args(tmp_path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: ") and words in done.stderr
    assert "unexpected" not in done.stderr and done.stdout == ""


def test_usage_error_exit_code_of_the_installed_command():
    done = run_installed("classify", "--title", "PO", str(EXAMPLE), str(EXAMPLE))
    assert done.returncode == 2 and "Error: --title goes with a single posting" in done.stderr


@pytest.mark.parametrize("args", [lambda p: [str(p), "-o", str(p)], lambda p: [str(EXAMPLE), "-o", str(EXAMPLE)]])
def test_output_onto_an_input_file_is_refused(tmp_path, args):
    path = table(tmp_path)
    before = path.read_bytes(), EXAMPLE.read_bytes()
    done = run("classify", *args(path))
    assert done.returncode == 2 and "is an input file" in done.stderr
    assert (path.read_bytes(), EXAMPLE.read_bytes()) == before


def test_a_symbolic_link_loop_and_a_name_too_long_are_bad_input(tmp_path):
    (tmp_path / "boucle.txt").symlink_to(tmp_path / "boucle.txt")
    done = run("classify", str(tmp_path / "boucle.txt"))
    assert done.returncode == 3 and "symbolic links" in one_error_line(done)
    done = run("classify", str(tmp_path / ("é" * 200 + ".csv")))
    assert done.returncode == 3 and "File name too long" in one_error_line(done)


def test_an_output_name_too_long_is_an_output_error(tmp_path):
    done = run("classify", str(table(tmp_path)), "-o", str(tmp_path / ("é" * 130 + ".csv")))
    assert done.returncode == 6 and "longer than 255 bytes" in one_error_line(done)


def test_an_output_directory_that_cannot_be_written_names_the_output(tmp_path, monkeypatch):
    """A read-only directory (tested by refusing the file's creation: root may write anywhere)."""
    import classifier.batch

    def refused(path, *args):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(classifier.batch.os, "open", refused)
    output = tmp_path / "classées.csv"
    done = run("classify", str(table(tmp_path)), "-o", str(output))
    line = one_error_line(done)
    assert done.returncode == 6 and line == f"classify: error: {output}: cannot write: Permission denied"


class FullDisk(io.FileIO):
    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("source", [table, lambda d: EXAMPLE])
def test_a_full_disk_is_an_output_error_and_leaves_nothing(tmp_path, monkeypatch, source):
    import classifier.batch

    monkeypatch.setattr(classifier.batch, "open", lambda descriptor, mode: FullDisk(descriptor, "w"), raising=False)
    output = tmp_path / "classées.out"
    done = run("classify", str(source(tmp_path)), "-o", str(output))
    assert done.returncode == 6
    assert one_error_line(done) == f"classify: error: {output}: cannot write: No space left on device"
    assert not output.exists() and not list(tmp_path.glob(".*classify-partial*"))


@pytest.mark.parametrize("source", [table, lambda d: EXAMPLE])
def test_a_full_standard_output_is_an_output_error(tmp_path, source):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([command("classify"), str(source(tmp_path))], stdout=full, stderr=subprocess.PIPE)
    stderr = done.stderr.decode()
    assert done.returncode == 6, stderr
    assert stderr.strip().splitlines()[-1] == "classify: error: standard output: cannot write: No space left on device"


def test_an_unreadable_rule_file(tmp_path):
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "fr.toml").unlink()
    (tmp_path / "rules" / "fr.toml").symlink_to(tmp_path / "rules" / "fr.toml")  # a loop: cannot be read
    done = run("classify", "--rules", str(tmp_path / "rules"), str(EXAMPLE))
    assert done.returncode == 4
    assert "fr.toml: cannot read the rule file" in one_error_line(done)


def rewrite_arrays(model: Path, change) -> None:
    """Change model.npz's arrays and recompute the manifest's digest, as a careless tool would."""
    import numpy as np

    from classifier.modelstore import sha256_of

    with np.load(model / "model.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    change(arrays)
    with open(model / "model.npz", "wb") as handle:
        np.savez(handle, **arrays)
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["model.npz"] = sha256_of(model / "model.npz")
    (model / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("change, words", [
    (lambda a: a.update(coef=a["coef"][:, :-1]), "array 'coef' has shape"),
    (lambda a: a.update(coef=a["coef"].T), "array 'coef' has shape"),
    (lambda a: a.update(idf=a["idf"].astype(str)), "array 'idf' holds <U"),
    (lambda a: a["coef"].__setitem__((1, 5), float("nan")), "array 'coef' holds NaN or infinite values"),
    (lambda a: a["mixing"].__setitem__(0, float("inf")), "array 'mixing' holds NaN or infinite values"),
    (lambda a: a.update(intercept=a["intercept"][:2]), "array 'intercept' has shape"),
    (lambda a: a["term_keys"].__setitem__((0, 0), 10 ** 9), "array 'term_keys' points outside 'keys'"),
    (lambda a: a.update(classes=a["classes"][:1]), "fewer than two classes"),
    (lambda a: a.update(keys=a["keys"][None]), "wrong number of dimensions"),
    (lambda a: a.update(norm_power=np.array(-0.5)), "array 'norm_power' is not a power between 0 and 1"),
])
def test_a_model_with_malformed_arrays_is_refused(tmp_path, change, words):
    model = copy_model(tmp_path)
    rewrite_arrays(model, change)
    done = run("classify", "--format", "json", "--model", str(model), str(EXAMPLE))
    assert done.returncode == 5, done.stderr
    line = one_error_line(done)
    assert "model.npz" in line and words in line and done.stdout == ""


def test_training_on_too_few_postings_says_how_many_are_needed(tmp_path):
    data = tmp_path / "quatre.csv"
    data.write_text("id,description,label\n1,Vous priorisez le backlog.,PO\n2,Vous définissez la vision.,CPO\n"
                    "3,Vous analysez le marché.,PM\n4,Vous tenez la comptabilité.,OTHER\n", encoding="utf-8")
    done = run("classify-train", str(data), "-o", str(tmp_path / "m"))
    assert done.returncode == 3
    assert one_error_line(done) == ("classify-train: error: training needs at least 5 postings of each label present "
                                    "(5-fold cross-validation); the training split has only: CPO 1, OTHER 1, PM 1, PO 1")
    assert not (tmp_path / "m").exists()


def test_output_to_a_device_is_written_directly(tmp_path):
    """/dev/null takes the output as it is written (no partial file beside it); /dev/full refuses it."""
    assert run("classify", str(table(tmp_path)), "-o", "/dev/null").returncode == 0
    done = run("classify", str(EXAMPLE), "-o", "/dev/full")
    assert done.returncode == 6 and one_error_line(done) == "classify: error: /dev/full: cannot write: No space left on device"
