"""The recruiter's page and the result view it shares with the HTML report: plain HTML, CSS and
JavaScript, no build step, nothing fetched from the internet."""
from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent


def asset(name: str) -> str:
    """The text of one asset of this folder (`style.css`, `result.js`, …)."""
    return (ASSETS / name).read_text(encoding="utf-8")
