"""The README's Python snippets (```python blocks) run as written; ```py blocks are examples that
need data or a cluster of their own (Dask, Spark). The README's example of the text report is what
`classify` prints."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, run

SNIPPETS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_a_python_snippet():
    assert SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_a_readme_snippet_runs_as_written(snippet, capsys):
    exec(compile(snippet, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip()


def test_the_readmes_text_report_is_what_classify_prints():
    """The shown report drifted from the real one when the activities' factor changed: a refit or a
    rule that moves its figures must update the README too."""
    shown = re.search(r"\$ classify examples/product-owner.txt\n(.*?)```",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    done = run("classify", "examples/product-owner.txt", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == shown.strip()
