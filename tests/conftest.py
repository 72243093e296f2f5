"""Shared fixtures: the shipped classifier (loaded once) and the installed commands."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def command(name: str) -> str:
    """An installed console script of this package, next to the running interpreter."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is not installed: run `pip install .` into this environment first")
    return str(path)


def run(name: str, *args: str, input: bytes | None = None, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run an installed command; output as text (UTF-8)."""
    done = subprocess.run([command(name), *args], input=input, capture_output=True, cwd=cwd, timeout=timeout)
    done.stdout = done.stdout.decode("utf-8", "replace")
    done.stderr = done.stderr.decode("utf-8", "replace")
    return done


def classify(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    """The installed `classify` command, which never prints a traceback."""
    done = run("classify", *args, input=input, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="session")
def classifier():
    from classifier import Classifier

    return Classifier.load()
