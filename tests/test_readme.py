"""The README's Python snippets (```python blocks) run as written; ```py blocks are examples that
need data or a cluster of their own (Dask, Spark)."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT

SNIPPETS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_a_python_snippet():
    assert SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_a_readme_snippet_runs_as_written(snippet, capsys):
    exec(compile(snippet, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip()
