"""The README's promises: its two set-up commands exist, and its Python example prints what it says."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_setup_commands_lead_the_readme():
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_example_prints_its_comment():
    block = README.split("```python")[1].split("```")[0]
    expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    code = "\n".join(line for line in block.splitlines() if not line.startswith("# "))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().splitlines() == expected


def test_every_readme_command_is_a_real_command():
    from marsad.cli.main import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    for name in re.findall(r"`marsad ([a-z]+)", README):
        assert name in commands, name
