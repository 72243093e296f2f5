"""Where the shipped rules and model are: beside the package in a checkout, inside it once installed
(pyproject.toml installs `rules/` as `classifier/_rules` and `models/` as `classifier/_models`)."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(checkout_dir: str, installed_dir: str) -> Path:
    local = _PACKAGE.parent / checkout_dir
    if (_PACKAGE.parent / "pyproject.toml").is_file() and local.is_dir():
        return local
    return _PACKAGE / installed_dir


def rules_dir() -> Path:
    return _shipped("rules", "_rules")


def default_model_dir() -> Path:
    return _shipped("models", "_models") / "default"
