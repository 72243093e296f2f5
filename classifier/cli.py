"""Command line: `classify` for postings, `classify-train` and `classify-evaluate` for models.

Training and evaluation are commands of their own, so a file named like a sub-command ("train")
can always be classified. Exit codes: 0 ok; 1 some rows had errors (batch); 2 usage; 3 bad input;
4 bad rule file; 5 bad model; 6 cannot write the output; 130 interrupted.
"""
from __future__ import annotations

import contextlib
import functools
import glob
import io
import json
import os
import shlex
import signal
import stat
import sys
import unicodedata
import warnings
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_ROW_ERRORS, ClassifierError, InputError

OUTPUT_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
# what the results of posting files are written as, by the -o file's extension (else text)
TEXT_OUTPUT_EXTENSIONS = {**OUTPUT_EXTENSIONS, ".json": "json", ".html": "html", ".htm": "html"}
# -o extensions of formats that are not written: a usage error, not a file of another format than its name
UNWRITTEN_EXTENSIONS = {".xls": "an Excel 97-2003 workbook", ".ods": "an OpenDocument spreadsheet",
                        ".docx": "a Word document", ".odt": "an OpenDocument text", ".pdf": "a PDF"}


# the posting files that may be a report an earlier run wrote (`_written_by_classify`)
REPORT_EXTENSIONS = (".txt", ".md", ".html", ".htm")


def _fail(program: str, error: ClassifierError | str, code: int) -> None:
    click.echo(f"{program}: error: {error}", err=True)
    sys.exit(code)


def guarded(program: str):
    """Run a command with one-line errors and documented exit codes instead of tracebacks."""

    def decorate(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            def show(message, category, filename, lineno, file=None, line=None):
                click.echo(f"{program}: warning: {message}", err=True)

            warnings.showwarning = show
            try:
                return command(*args, **kwargs)
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise  # click shows usage errors its way and exits 2
            except ClassifierError as error:
                _fail(program, error, error.exit_code)
            except KeyboardInterrupt:
                _fail(program, "interrupted", EXIT_INTERRUPTED)
            except BrokenPipeError:
                sys.stderr.close()
                sys.exit(0)
            except Exception as error:  # a bug: one line unless asked for the traceback
                if os.environ.get("CLASSIFY_DEBUG"):
                    raise
                _fail(program, f"unexpected {type(error).__name__}: {error} (set CLASSIFY_DEBUG=1 for details)", 1)

        return run

    return decorate


def input_options(command):
    """Options shared by every command that reads postings from files."""
    options = [
        click.option("--input-format", type=click.Choice(["auto", "txt", "csv", "jsonl", "xlsx"]), default="auto",
                     show_default=True, help="Input format; auto goes by the file extension (.csv .tsv .jsonl .xlsx .txt)."),
        click.option("--sheet", help="Excel workbooks: the sheet to read, by name or number from 1 (default: the first)."),
        click.option("--encoding", help="Input encoding (default: detect UTF-8, UTF-8/16 with BOM, else cp1252)."),
        click.option("--delimiter", help="CSV delimiter (default: sniffed among , ; tab |)."),
        click.option("--text-column", help="Column with the posting text (default: description, descriptif, texte, text…)."),
        click.option("--title-column", help="Column with the job title (default: intitulé, titre, title, poste…)."),
        click.option("--id-column", help="Column with the row identifier (default: id, reference…)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def model_options(command):
    command = click.option("--rules", "rules", type=click.Path(file_okay=False), help="Directory of rule files (*.toml).")(command)
    return click.option("--model", "model", type=click.Path(file_okay=False),
                        help="Model directory (default: the shipped model).")(command)


def _delimiter(value: str | None) -> str | None:
    if value in ("\\t", "tab", "TAB"):
        return "\t"
    if value is not None and len(value) != 1:
        raise click.BadParameter("the delimiter is one character (or 'tab')", param_hint="--delimiter")
    return value


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _format_of(path: str, input_format: str) -> str:
    from .tables import TABLE_FORMATS

    if input_format != "auto":
        return input_format
    return TABLE_FORMATS.get(Path(path).suffix.lower(), "txt")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--title", help="Job title of the posting (one text file).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl", "csv", "xlsx", "html"]),
              help="Output: text (readable, French), json or html (one self-contained page) for posting files, or csv or "
                   "xlsx (a row per file); csv, jsonl or xlsx for tables (default: the -o file's extension, else text for "
                   "posting files and the input's format for tables, CSV for a workbook).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (complete or not at all).")
@click.option("--excel", is_flag=True, help="CSV for French Excel: ';' separator and a UTF-8 BOM.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Processes for tables.")
@click.option("--report", type=click.Path(dir_okay=False),
              help="Tables: also write an HTML summary page (counts, confidences, rows to review first).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary line.")
@input_options
@model_options
@click.version_option(__version__, "--version", prog_name="classify")
@guarded("classify")
def classify(files, title, output_format, output, excel, jobs, report, quiet, input_format, sheet, encoding, delimiter,
             text_column, title_column, id_column, model, rules):
    """Classify job postings as CPO, PO, PM or OTHER, with a confidence and the evidence.

    FILE is a posting in plain text, Markdown or HTML (.txt or any other extension), Word
    (.docx), OpenDocument (.odt), PDF (.pdf) or a saved web page (.mhtml), or a table of postings
    (.csv, .tsv, .jsonl, .xlsx); `-` reads standard input. A folder stands for the posting files
    in it (.txt .md .html .docx .odt .pdf .mhtml), by name; a pattern such as `offres/*.pdf` is
    expanded where the shell did not (Windows).

    \b
    Exit codes: 0 ok, 1 some table rows (or files, as a table) had errors, 2 usage, 3 bad input file,
    4 bad rule file, 5 bad or tampered model, 6 cannot write the output, 130 interrupted.
    """
    delimiter = _delimiter(delimiter)
    files = _expanded(files, (output, report))
    _refuse_output_onto_input(output, files)
    formats = {_format_of(f, input_format) for f in files}
    table = formats != {"txt"}
    _refuse_unwritten_extension(output, output_format, table)
    if table and len(files) != 1:
        raise click.UsageError("tables (.csv, .jsonl, .xlsx) are classified one file at a time")
    if table:
        output_format = _table_format(next(iter(formats)), output_format, output)
    else:
        output_format = output_format or TEXT_OUTPUT_EXTENSIONS.get(Path(output or "").suffix.lower(), "text")
    if excel and output_format != "csv":
        raise click.UsageError("--excel is for CSV output; a workbook (-o FILE.xlsx) needs none")
    if output_format == "xlsx" and output in (None, "-") and sys.stdout.isatty():
        raise click.UsageError("a workbook is not for a terminal: write it to a file (-o classified.xlsx)")
    if table:
        return _classify_table(files[0], formats.pop(), output_format, output, excel, jobs, quiet, encoding,
                               delimiter, {"text": text_column, "title": title_column, "id": id_column}, model, rules,
                               report, sheet)
    if title and len(files) > 1:
        raise click.UsageError("--title goes with a single posting")
    if output_format == "html" and len(files) > 1:
        raise click.UsageError("--format html makes one page: give one posting")
    if report and output_format not in ("csv", "xlsx"):
        raise click.UsageError("--report is for tables (.csv, .jsonl, .xlsx, or posting files written as one)")
    if sheet:
        raise click.UsageError("--sheet is for Excel workbooks (.xlsx)")
    if output_format in ("csv", "xlsx"):
        return _texts_as_table(files, title, output_format, output, excel, jobs, quiet, encoding, model, rules, report)
    _classify_texts(files, title, output_format, output, encoding, model, rules)


def _refuse_unwritten_extension(output: str | None, output_format: str | None, table: bool) -> None:
    """`-o` naming a format that is not written (a .xls, or JSON or HTML for a table) is a usage error
    unless --format says what to write: the file would hold another format than its name says."""
    suffix = Path(output or "").suffix.lower()
    if output_format:
        return
    if suffix in UNWRITTEN_EXTENSIONS:
        raise click.UsageError(f"-o {output}: classify does not write {UNWRITTEN_EXTENSIONS[suffix]}; "
                               "name a .xlsx, .csv, .tsv or .jsonl file")
    if table and suffix == ".json":
        raise click.UsageError(f"-o {output}: tables are written as JSON Lines; name a .jsonl file")
    if table and suffix in (".html", ".htm"):
        raise click.UsageError(f"-o {output}: tables are written as .xlsx, .csv or .jsonl; --report FILE.html "
                               "writes the summary page")


def _expanded(files: tuple[str, ...], written: tuple[str | None, ...] = ()) -> tuple[str, ...]:
    """The FILE arguments with each folder replaced by the posting files directly in it, and each
    wildcard pattern the shell left as it was (Windows' shells expand none) by the files it
    matches, each in order of name (accents and case aside). Hidden files, Office's lock files
    ("~$offre.docx"), broken links and the files this run writes (`written`: -o, --report) are left
    out; so are a folder's tables, other files and subfolders. So are, wherever they come from, the
    file standard output is redirected to ("classify offres/ > offres/resultats.txt": the shell made
    it empty) and the reports an earlier run wrote (`_written_by_classify`), each with a note. A
    folder with no posting file, a pattern matching nothing, or arguments that leave nothing to
    read, are input errors."""
    leave_out = {os.path.abspath(path) for path in written if path and path != "-"}
    found: list[str] = []
    for name in files:
        if name != "-" and not os.path.exists(name) and glob.has_magic(name):
            matched = sorted((path for path in _matching(name) if _kept(path, leave_out) and os.path.exists(path)),
                             key=_by_name)
            if not matched:
                raise InputError(f"{name}: no such file, nor any file matching it as a pattern")
            found += [part for path in matched
                      for part in (_postings_in(path, leave_out) if os.path.isdir(path) else [path])]
        elif name != "-" and os.path.isdir(name):
            found += _postings_in(name, leave_out)
        else:
            found.append(name)
    standard_output = _standard_output_file()
    read = tuple(name for name in found if not _left_out_as_output(name, standard_output))
    if found and not read:
        raise InputError(f"{found[0]}: nothing left to classify: the files given hold results, not postings")
    return read


def _left_out_as_output(name: str, standard_output: tuple[int, int] | None) -> bool:
    """Whether a posting file is this run's standard output (`_standard_output_file`) or an earlier
    run's report (with a note)."""
    if name == "-" or not os.path.isfile(name):
        return False
    found = os.stat(name)
    if (found.st_dev, found.st_ino) == standard_output:
        click.echo(f"classify: note: {name} left out: standard output is written to it", err=True)
        return True
    if _written_by_classify(name):
        click.echo(f"classify: note: {name} left out: a report classify wrote, not a posting", err=True)
        return True
    return False


def _standard_output_file() -> tuple[int, int] | None:
    """The (device, inode) of the file standard output is redirected to; None when it is no file."""
    try:
        written = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None  # a test's buffer
    return (written.st_dev, written.st_ino) if stat.S_ISREG(written.st_mode) else None  # not a terminal or pipe


def _written_by_classify(path: str) -> bool:
    """Whether a text or HTML file is a report `classify` wrote: its page's generator says so, or it
    opens as the text report does (a file's name, then "  Poste : …" and "  Confiance : …")."""
    if Path(path).suffix.lower() not in REPORT_EXTENSIONS:
        return False
    from .render import GENERATOR_META, REPORT_OPENING

    try:
        with open(path, "rb") as file:
            head = file.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False  # the reader says why, on its row
    first, *under = head.lstrip("\ufeff").split("\n", 3)[:3]
    return GENERATOR_META in head or (first.strip() != "" and len(under) == 2 and all(
        line.startswith(opening) for line, opening in zip(under, REPORT_OPENING)))


def _matching(pattern: str) -> list[str]:
    """The paths a wildcard pattern matches; the longest folder it starts with that exists as written
    is taken as written ("offres [2026]/*/*.pdf": its brackets are the folder's name, not a class of
    characters)."""
    folder = os.path.dirname(pattern)
    while folder and not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if folder and glob.has_magic(folder) and os.path.isdir(folder):
        pattern = glob.escape(folder) + pattern[len(folder):]
    return glob.glob(pattern)


def _kept(path: str, leave_out: set[str]) -> bool:
    """Whether a file found in a folder or by a pattern is read: not hidden, not an Office lock file,
    not a file this run writes."""
    return not os.path.basename(path).startswith((".", "~$")) and os.path.abspath(path) not in leave_out


def _postings_in(folder: str, leave_out: set[str]) -> list[str]:
    try:
        paths = [os.path.join(folder, name) for name in os.listdir(folder)]
    except OSError as error:
        raise InputError(f"{folder}: cannot list the folder: {error.strerror or error}") from None
    from .documents import POSTING_SUFFIXES

    files = sorted((path for path in paths if _kept(path, leave_out) and os.path.isfile(path)), key=_by_name)
    postings = [path for path in files if Path(path).suffix.lower() in POSTING_SUFFIXES]
    if not postings:
        from .tables import TABLE_FORMATS

        tables = [path for path in files if Path(path).suffix.lower() in TABLE_FORMATS]
        hint = f"; a table is classified on its own: classify {shlex.quote(tables[0])}" if tables else ""
        raise InputError(f"{folder}: a directory with no posting files ({' '.join(POSTING_SUFFIXES)}){hint}")
    return postings


def _by_name(path: str) -> tuple[str, str]:
    """Order of name, as a file manager shows it: "École" between "bac" and "zèbre"."""
    plain = unicodedata.normalize("NFKD", path)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold(), path


def _refuse_output_onto_input(output: str | None, files: tuple[str, ...]) -> None:
    """`-o` naming an input file would overwrite it: a usage error, before anything is written."""
    if not output or output == "-" or not os.path.exists(output):
        return
    for name in files:
        if name != "-" and os.path.exists(name) and os.path.samefile(name, output):
            raise click.UsageError(f"-o {output} is an input file; write the results to another file")


def _classify_texts(files, title, output_format, output, encoding, model, rules) -> None:
    from .documents import read_posting
    from .htmlreport import as_html
    from .pipeline import Classifier
    from .render import as_json, as_text
    from .tables import COMMAND_ENCODING_HINT

    texts, failures = [], []
    for name in files:
        try:
            texts.append((name, read_posting(name, encoding, COMMAND_ENCODING_HINT)))
        except InputError as error:
            failures.append(error)
            click.echo(f"classify: error: {error}", err=True)
    if not texts:
        sys.exit(EXIT_INPUT)
    classifier = Classifier.load(model, rules)
    chunks = []
    for name, text in texts:
        try:
            result = classifier.classify(text, title)
        except InputError as error:  # e.g. HTML with no text in it
            failures.append(error)
            click.echo(f"classify: error: {name}: {error}", err=True)
            continue
        if output_format == "text":
            chunks.append(as_text(result, "entrée standard" if name == "-" else name))
        elif output_format == "html":
            chunks.append(as_html(result, "entrée standard" if name == "-" else name))
        elif output_format == "json" and len(files) == 1:
            chunks.append(as_json(result))
        else:
            chunks.append(as_json(result, name=name if len(files) > 1 else None, indent=None))
    rendered = ("\n\n" if output_format == "text" else "\n").join(chunks) + "\n" if chunks else ""
    from .batch import write_whole

    write_whole(output, rendered)
    if failures:
        sys.exit(EXIT_INPUT)


def _texts_as_table(files, title, output_format, output, excel, jobs, quiet, encoding, model, rules, report) -> None:
    """Posting files as one table (CSV or a workbook): a row per file, its name then the result
    columns, in order; a file that cannot be read gets its `error`, and the others are classified.
    With `report`, also the summary page of a batch run."""
    from .batch import write_batch
    from .documents import read_posting
    from .tables import COMMAND_ENCODING_HINT, Columns, Row

    def rows():
        for number, name in enumerate(files, 1):
            row = Row(number, {"file": name}, title=title)
            try:
                row.text = read_posting(name, encoding, COMMAND_ENCODING_HINT)
            except InputError as error:
                row.error = str(error)
            yield row

    with _terminated_as_interrupted():
        summary = write_batch(rows(), ["file"], Columns(text="", id="file"), output, output_format, excel=excel,
                              jobs=jobs, quiet=quiet, model=model, rules=rules, report=report,
                              output_delimiter=_output_delimiter(output, excel), source_name=f"{len(files)} fichiers")
    _summarise(summary, quiet, "files")


def _summarise(summary, quiet: bool, what: str) -> None:
    """The batch run's last line on standard error, and exit code 1 when some rows have errors."""
    if summary.errors:
        click.echo(f"classify: {summary.rows:,} {what}, {summary.errors:,} with errors (see the error column)", err=True)
        sys.exit(EXIT_ROW_ERRORS)
    if not quiet:
        click.echo(f"classify: {summary.rows:,} {what} classified", err=True)


@contextlib.contextmanager
def _terminated_as_interrupted():
    """While inside, `kill` (SIGTERM) stops a run as cleanly as Ctrl-C: no partial output left."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _output_delimiter(output: str | None, excel: bool) -> str:
    """Tabs for a .tsv output file, else commas (`--excel` writes its own semicolons)."""
    return "\t" if Path(output or "").suffix.lower() == ".tsv" and not excel else ","


def _table_format(input_format: str, output_format: str | None, output: str | None) -> str:
    """The format tables are written in: `--format`, else the extension of the -o file, else the
    input's (CSV for a workbook)."""
    written = output_format or OUTPUT_EXTENSIONS.get(Path(output or "").suffix.lower()) \
        or ("jsonl" if input_format == "jsonl" else "csv")
    if written not in ("csv", "jsonl", "xlsx"):
        raise click.UsageError("tables are written as csv, jsonl or xlsx (--format csv|jsonl|xlsx)")
    return written


def _classify_table(source, input_format, output_format, output, excel, jobs, quiet, encoding, delimiter, columns,
                    model, rules, report, sheet) -> None:
    from .batch import run_batch

    if input_format == "xlsx" and (encoding or delimiter):
        raise click.UsageError("--encoding and --delimiter are for text files; a workbook has neither")
    if sheet and input_format != "xlsx":
        raise click.UsageError("--sheet is for Excel workbooks (.xlsx)")
    with _terminated_as_interrupted():
        summary = run_batch(source, input_format, output, output_format, excel=excel, jobs=jobs, quiet=quiet,
                            encoding=encoding, delimiter=delimiter, columns=columns, model=model, rules=rules,
                            report=report, sheet=sheet, output_delimiter=_output_delimiter(output, excel))
    _summarise(summary, quiet, "rows")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False), help="Model directory to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the cross-validation folds.")
@click.option("--label-column", help="Column with the label (default: label, classe, category…).")
@click.option("--rules", type=click.Path(file_okay=False), help="Directory of rule files (default: shipped rules).")
@input_options
@click.version_option(__version__, "--version", prog_name="classify-train")
@guarded("classify-train")
def train_command(data, out, seed, label_column, rules, input_format, sheet, encoding, delimiter, text_column,
                  title_column, id_column):
    """Train a model from labelled postings (CSV, JSONL or Excel with a label column).

    A `split` column, when present, keeps its `test` rows out of training and reports the
    model's figures on them. The model directory gets a manifest with versions, digests,
    hyper-parameters and figures.
    """
    from .resources import rules_dir
    from .training import read_examples, train

    fmt = _format_of(data, input_format)
    if fmt == "txt":
        raise click.UsageError("training data is a CSV, JSONL or Excel file (--input-format csv|jsonl|xlsx)")
    columns = {"text": text_column, "title": title_column, "id": id_column, "label": label_column}
    examples = read_examples(Path(data), fmt, encoding, _delimiter(delimiter), columns, sheet=sheet)
    log = functools.partial(click.echo, err=True)
    manifest = train(examples, Path(out), Path(rules) if rules else rules_dir(), seed=seed, data_path=Path(data), log=log)
    test = manifest["evaluation"]["test"]
    click.echo(f"model written to {out} ({manifest['training_seconds']} s)")
    if test:
        from .evaluation import format_report

        click.echo(format_report(test, manifest["classes"]))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--split", type=click.Choice(["test", "train", "all"]), default="test", show_default=True,
              help="Rows to evaluate when the data has a split column.")
@click.option("--label-column", help="Column with the label (default: label, classe, category…).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--relabel", type=click.Path(dir_okay=False, exists=True),
              help="CSV of label corrections (columns id, label; others ignored) applied before evaluating.")
@click.option("--by", "group_column", help="Also report per value of this column (a source, a genre).")
@input_options
@model_options
@click.version_option(__version__, "--version", prog_name="classify-evaluate")
@guarded("classify-evaluate")
def evaluate_command(data, split, label_column, output_format, relabel, group_column, input_format, sheet, encoding,
                     delimiter, text_column, title_column, id_column, model, rules):
    """Evaluate a model on labelled postings: per-class precision, recall and F1, macro-F1 with
    its 95 % bootstrap interval, confusion matrix, calibration, log-loss; rules only, model only and
    combined; with the title and on the text only, as written and with role names masked; the
    combined figures per length of text and per value of the `--by` column."""
    from .evaluation import (analyse_both, breakdown, evaluate, format_breakdown, format_report, length_bucket,
                             score_conditions)
    from .pipeline import Classifier
    from .training import read_examples, read_relabelling

    fmt = _format_of(data, input_format)
    columns = {"text": text_column, "title": title_column, "id": id_column, "label": label_column}
    examples = read_examples(Path(data), fmt, encoding, _delimiter(delimiter), columns, group_column, sheet)
    if relabel:
        corrections = read_relabelling(Path(relabel))
        for example in examples:
            example.label = corrections.get(example.id, example.label)
    if split != "all":
        examples = [e for e in examples if e.split == split] or (examples if split == "test" and
                                                                  not any(e.split == "test" for e in examples) else [])
    if not examples:
        raise InputError(f"{data}: no rows in the {split} split")
    classifier = Classifier.load(model, rules)
    stored = classifier.model
    rules_mixing = stored.rules_only_mixing()
    analyses = analyse_both(classifier.analyzer, examples, text_only=True)
    labels = [e.label for e in examples]
    scored = score_conditions(analyses, stored.scorer, stored.mixing, rules_mixing)
    report = evaluate(scored, labels, stored.scorer.classes)
    groups = {"length": [length_bucket(a.text) for a in analyses["as_written"]]}
    if group_column:
        groups[group_column] = [e.group for e in examples]
    by_group = breakdown(scored, labels, groups, stored.scorer.classes)
    if output_format == "json":
        click.echo(json.dumps({**report, "by": by_group}, indent=2))
    else:
        relabelled = f", {len(corrections)} labels corrected from {relabel}" if relabel else ""
        click.echo(f"{data}: {len(examples)} postings ({split}){relabelled}, "
                   f"model {stored.manifest.get('model_version', '?')}\n")
        click.echo(format_report(report, stored.scorer.classes))
        click.echo(format_breakdown(by_group))
