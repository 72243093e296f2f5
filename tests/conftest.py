"""Shared fixtures: the shipped classifier (loaded once), the commands run in-process (click's
CliRunner: fast) and the installed commands run as processes (where the process matters: signals,
`--jobs`, the entry points' exit codes)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier import cli

ROOT = Path(__file__).resolve().parent.parent
ROME = ROOT.parent / "shared" / "data" / "rome" / "appellations_v460.csv"  # France Travail's job titles
BIN = Path(sys.executable).parent
COMMANDS = {"classify": cli.classify, "classify-train": cli.train_command, "classify-evaluate": cli.evaluate_command}


def command(name: str) -> str:
    """An installed console script of this package, next to the running interpreter."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is not installed: run `pip install .` into this environment first")
    return str(path)


def run_installed(name: str, *args: str, input: bytes | None = None, cwd: Path | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess:
    """Run an installed command in its own process; output as text (UTF-8)."""
    done = subprocess.run([command(name), *args], input=input, capture_output=True, cwd=cwd, timeout=timeout)
    done.stdout = done.stdout.decode("utf-8", "replace")
    done.stderr = done.stderr.decode("utf-8", "replace")
    return done


def run(name: str, *args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command of this package in this process, as the installed one would run; the result
    as `subprocess.run` gives it (returncode, stdout and stderr as text)."""
    here = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        result = CliRunner().invoke(COMMANDS[name], list(args), input=input, prog_name=name)
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess([name, *args], result.exit_code, result.stdout, result.stderr)


def classify(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    """The `classify` command, in-process, which never prints a traceback."""
    done = run("classify", *args, input=input)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="session")
def classifier():
    from classifier import Classifier

    return Classifier.load()


def title_roles(classifier, title: str) -> list[str]:
    """The ids of the role-name rules that fire on a title (beside a body that names none)."""
    return [h.rule_id for h in classifier.analyse("Texte.", title).hits if h.field == "title" and h.kind == "role_name"]


def office_convert(source: Path, to: str, outdir: Path, infilter: str | None = None) -> Path:
    """`source` converted by LibreOffice, headless (`to`: what `--convert-to` takes, "xlsx",
    "docx:MS Word 2007 XML"…), in a profile of its own; the file it wrote. The test is skipped where
    LibreOffice is not installed (`.ci/run` installs it)."""
    import shutil

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (no soffice or libreoffice on PATH)")
    done = subprocess.run([office, f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
                           *([f"--infilter={infilter}"] if infilter else []), "--convert-to", to,
                           "--outdir", str(outdir), str(source)], capture_output=True, timeout=180)
    written = outdir / f"{source.stem}.{to.split(':')[0]}"
    assert written.exists(), done.stderr.decode("utf-8", "replace")
    return written
