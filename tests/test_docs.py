"""The documentation: its examples run as written, it builds without a warning, it covers the
whole public API, and the plugin guide's example package installs and works.

The quickstart's Python blocks run in order in one namespace, in a temporary folder where
``fixtures/`` is the repository's, and each block's printed output must equal the ``text`` block
that follows it on the page; its console commands must not fail with a usage error.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import recordparse
from recordparse.registry import BUILTIN_PARSERS
from tests.test_plugins import install_plugin, plugin_env, run

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "recordparse-example-plugin"
_DIRECTIVE = re.compile(r"^\.\. code-block:: *(\S+)\s*$")


@attrs.frozen
class Block:
    language: str
    code: str
    line: int
    classes: tuple[str, ...] = ()


def code_blocks(path: Path) -> list[Block]:
    """The ``code-block`` directives of a reST page, in order, with their options' classes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if match is None:
            i += 1
            continue
        start, i = i + 1, i + 1
        classes: tuple[str, ...] = ()
        while i < len(lines) and lines[i].strip().startswith(":"):
            option, _, value = lines[i].strip()[1:].partition(":")
            if option == "class":
                classes = tuple(value.split())
            i += 1
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
            body.append(lines[i][3:])
            i += 1
        code = "\n".join(body).strip("\n") + "\n"
        blocks.append(Block(match.group(1), code, start, classes))
    return blocks


def _pairs(blocks: list[Block]) -> Iterator[tuple[Block, Block | None]]:
    for n, block in enumerate(blocks):
        if block.language == "python":
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            yield block, following if following is not None and following.language == "text" else None


@pytest.fixture
def docs_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures", target_is_directory=True)
    (tmp_path / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------------------------
# The quickstart


def test_quickstart_python_blocks_run_as_written(docs_cwd: Path) -> None:
    blocks = code_blocks(DOCS / "quickstart.rst")
    pairs = list(_pairs(blocks))
    assert len(pairs) >= 6, "the quickstart lost its examples"
    has_pandas = _has("pandas")
    namespace: dict[str, object] = {"__name__": "quickstart"}
    for block, expected in pairs:
        if "requires-pandas" in block.classes and not has_pandas:
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.code, f"quickstart.rst:{block.line}", "exec"), namespace)
        if expected is not None:
            assert out.getvalue() == expected.code, f"output of the block at quickstart.rst:{block.line}"
    assert (docs_cwd / "zenodo.csv").read_text(encoding="utf-8").startswith("id,format,type,title")


def test_quickstart_commands_run(docs_cwd: Path) -> None:
    commands = [
        line[2:]
        for block in code_blocks(DOCS / "quickstart.rst")
        if block.language == "console"
        for line in block.code.splitlines()
        if line.startswith("$ recordparse ")
    ]
    assert commands
    for command in commands:
        args = shlex.split(command)[1:]
        result = subprocess.run(
            [sys.executable, "-m", "recordparse", *args], cwd=docs_cwd, capture_output=True, text=True, timeout=120
        )
        assert result.returncode in (0, 1, 3), f"{command}: exit {result.returncode}: {result.stderr}"
        assert "Traceback" not in result.stderr
    assert (docs_cwd / "zenodo-report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Coverage and the generator


def test_every_public_name_is_documented() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.rst"))
    missing = [name for name in recordparse.__all__ if f"recordparse.{name}" not in text]
    assert not missing, f"not in the documentation: {missing}"


def test_format_pages_come_from_the_declarations() -> None:
    pytest.importorskip("sphinx", reason="the docs extension needs Sphinx (the 'docs' extra)")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        recordparse_docs = importlib.import_module("recordparse_docs")
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    registry = recordparse.Registry(plugins=False)
    name = "zenodo-json" if "zenodo-json" in BUILTIN_PARSERS else sorted(BUILTIN_PARSERS)[0]
    parser = registry.get(name)
    page = recordparse_docs.format_page(name, parser)
    assert page.startswith(f".. _format-{name}:")
    assert recordparse_docs.escape(parser.title) in page
    for media in parser.media_types:
        assert media in page
    for source in parser.field_map:
        assert recordparse_docs.literal(source) in page
    index = recordparse_docs.formats_index([registry.get(n) for n in sorted(BUILTIN_PARSERS)])
    assert all(f"   {n}" in index.splitlines() for n in BUILTIN_PARSERS)


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx", reason="building the docs needs Sphinx (the 'docs' extra)")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for page in ("index", "quickstart", "plugins", "api", "access", "errors", "cli", "formats/index"):
        assert (tmp_path / "html" / f"{page}.html").is_file(), page
    for name in BUILTIN_PARSERS:
        assert (tmp_path / "html" / "formats" / f"{name}.html").is_file(), name


# --------------------------------------------------------------------------------------------
# The plugin guide's example package


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("example-site")
    assert install_plugin(EXAMPLE, target) == "recordparse-example-plugin"
    return target


def test_example_plugin_works_from_the_command_line(example_site: Path) -> None:
    env = plugin_env(example_site)
    sample = EXAMPLE / "samples" / "library.ris"
    formats = run(["-m", "recordparse", "formats"], env)
    assert re.search(r"^ris +plugin from recordparse-example-plugin +RIS tagged reference export$", formats.stdout, re.M)

    parsed = run(["-m", "recordparse", "parse", "-q", "--to", "csv", str(sample)], env)
    assert parsed.returncode == 0, parsed.stderr
    rows = parsed.stdout.splitlines()
    assert rows[0].startswith("id,format,type,title") and len(rows) == 5
    assert rows[1].startswith("eprints-4411,ris,article-journal,")

    checked = run(["-m", "recordparse", "check", "--output-format", "csv", str(sample)], env)
    flagged = [line.split(",")[0] for line in checked.stdout.splitlines() if ",missing_doi," in line]
    assert flagged == ["eprints-4414"]
    assert checked.returncode == 3  # a warning


def test_example_plugin_own_tests_pass(example_site: Path) -> None:
    env = plugin_env(example_site)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b10 passed\b", result.stdout), result.stdout


def test_example_plugin_guide_shows_the_real_files() -> None:
    guide = (DOCS / "plugins.rst").read_text(encoding="utf-8")
    included = re.findall(r"^\.\. literalinclude:: \.\./(\S+)", guide, re.M)
    assert {
        "examples/recordparse-example-plugin/pyproject.toml",
        "examples/recordparse-example-plugin/src/recordparse_example/parser.py",
        "examples/recordparse-example-plugin/src/recordparse_example/validator.py",
        "examples/recordparse-example-plugin/tests/test_example.py",
    } <= set(included)
    assert all((ROOT / path).is_file() for path in included)
    assert os.path.basename(str(EXAMPLE)) in guide
