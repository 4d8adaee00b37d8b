"""Sphinx extension: documentation generated from recordparse's own declarations.

Nothing here restates what the code already says. At every build it

- writes one page per built-in format under ``formats/`` (name, title, media types, file
  patterns, the module's and the class's docstrings, the sniffing notes of ``sniff``'s docstring,
  and the ``field_map`` table), plus an index of them, from :data:`recordparse.registry.BUILTIN_PARSERS`;

and it adds directives that render tables and text from the code:

- ``.. recordparse-docstring:: dotted.name`` inserts a module's or object's docstring as page text
  (without documenting the object a second time);
- ``.. recordparse-statuses::`` the access statuses with their COAR URIs;
- ``.. recordparse-access-schemes::`` the controlled access vocabularies, value -> status;
- ``.. recordparse-cli-help::`` the ``--help`` of the command and of each subcommand;
- ``.. recordparse-columns::`` the flat CSV / DataFrame columns.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from recordparse.formats.base import Parser
from recordparse.record import RECORD_KEYS
from recordparse.registry import BUILTIN_PARSERS, Registry

FORMATS_DIR = "formats"


# --------------------------------------------------------------------------------------------
# reST helpers


def escape(text: str) -> str:
    """``text`` as literal reST text: inline markup characters are backslash-escaped."""
    out = []
    for char in text:
        if char in "\\*`|_[]<>:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def literal(text: str) -> str:
    """``text`` as an inline literal (falls back to escaped text when it cannot be one)."""
    stripped = text.strip()
    if not stripped or "``" in stripped or stripped.startswith("`") or stripped.endswith("`"):
        return escape(text)
    return f"``{stripped}``"


def heading(text: str, char: str, overline: bool = False) -> list[str]:
    rule = char * max(len(text), 3)
    return [rule, text, rule, ""] if overline else [text, rule, ""]


def list_table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: str = "auto") -> list[str]:
    """A ``list-table`` directive; cells are already reST."""
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            lines.append(f"   {'*' if i == 0 else ' '} - {cell}")
    lines.append("")
    return lines


def docstring(obj: Any) -> str:
    return inspect.getdoc(obj) or ""


def own_docstring(cls: type, method: str) -> str | None:
    """The docstring ``cls`` gives ``method`` itself (None when it only inherits the contract's)."""
    func = getattr(cls, method, None)
    base = getattr(Parser, method, None)
    doc = getattr(func, "__doc__", None)
    if not doc or doc == getattr(base, "__doc__", None):
        return None
    return inspect.cleandoc(doc)


# --------------------------------------------------------------------------------------------
# Format pages


def _registry() -> Registry:
    return Registry(plugins=False)


def format_page(name: str, parser: Parser) -> str:
    """The reST page of one format, from its parser's declarations and docstrings."""
    cls = type(parser)
    module = importlib.import_module(cls.__module__)
    lines = [f".. _format-{name}:", "", *heading(name, "=")]
    lines += [escape(parser.title), ""]
    lines += [
        f":Format name: ``{name}`` (``recordparse.read(path, format=\"{name}\")``, ``recordparse parse -f {name}``)",
        f":Parser: ``{cls.__module__}.{cls.__qualname__}``",
        ":Media types: " + (", ".join(literal(m) for m in parser.media_types) or "none declared"),
        ":File patterns: " + (", ".join(literal(p) for p in parser.patterns) or "none (content decides)"),
        ":Parallel splitting: "
        + ("yes: one input may be cut into byte ranges" if getattr(parser, "splittable", False) else "no: each input is read whole by one worker"),
        "",
    ]
    class_doc = docstring(cls)
    if class_doc and class_doc != docstring(Parser):
        lines += [class_doc, ""]
    lines += [*heading("About the format", "-"), docstring(module) or "(The module has no description.)", ""]
    lines += heading("Sniffing", "-")
    sniff = own_docstring(cls, "sniff")
    lines += [sniff or "The parser does not describe its scoring beyond the contract (0 = not this format, 1 = certainly).", ""]
    lines += heading("Field mapping", "-")
    if parser.field_map:
        lines += [
            "Source fields and the Record fields they fill, as the parser declares them in its",
            "``field_map``. Source fields that are not listed are kept in ``extra`` under their own names.",
            "",
        ]
        rows = [(literal(src), _target(str(dst))) for src, dst in parser.field_map.items()]
        lines += list_table(("Source field", "Record field"), rows, "40 60")
    else:
        lines += ["The parser declares no ``field_map``.", ""]
    return "\n".join(lines) + "\n"


def _target(text: str) -> str:
    """A field_map target: a bare Record field as a literal, a described one as text."""
    return f"``{text}``" if text in RECORD_KEYS else escape(text)


def formats_index(parsers: Sequence[Parser]) -> str:
    lines = [*heading("Formats", "="), "The built-in formats, one page each, generated from the parsers' declarations.", ""]
    lines += [
        "``recordparse formats`` lists them, with the installed plugins; ``recordparse detect PATH``",
        "shows how each scores on a file.",
        "",
    ]
    rows = [(f":ref:`{p.name} <format-{p.name}>`", escape(p.title), ", ".join(literal(m) for m in p.media_types)) for p in parsers]
    lines += list_table(("Format", "Reads", "Media types"), rows, "20 55 25")
    lines += [".. toctree::", "   :hidden:", ""]
    lines += [f"   {p.name}" for p in parsers]
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate_format_pages(app: Sphinx) -> None:
    """Write ``formats/index.rst`` and ``formats/<name>.rst`` for every built-in parser."""
    target = Path(app.srcdir) / FORMATS_DIR
    target.mkdir(exist_ok=True)
    registry = _registry()
    parsers = [registry.get(name) for name in sorted(BUILTIN_PARSERS)]
    wanted = {"index.rst"}
    _write_if_changed(target / "index.rst", formats_index(parsers))
    for parser in parsers:
        wanted.add(f"{parser.name}.rst")
        _write_if_changed(target / f"{parser.name}.rst", format_page(parser.name, parser))
    for stale in target.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()


# --------------------------------------------------------------------------------------------
# Directives


class _TextDirective(SphinxDirective):
    """A directive whose output is reST text made by :meth:`text`."""

    def text(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        content = StringList(self.text(), source=f"<{self.name}>")
        nested_parse_with_titles(self.state, content, container, self.content_offset)
        return list(container.children)


def _resolve(dotted: str) -> Any:
    try:
        return importlib.import_module(dotted)
    except ImportError:
        module, _, attr = dotted.rpartition(".")
        return getattr(importlib.import_module(module), attr)


class DocstringDirective(_TextDirective):
    required_arguments = 1

    def text(self) -> list[str]:
        return [*docstring(_resolve(self.arguments[0])).splitlines(), ""]


class StatusesDirective(_TextDirective):
    def text(self) -> list[str]:
        from recordparse.record import ACCESS_STATUSES, COAR_URIS

        rows = [(f"``{s}``", literal(COAR_URIS[s] or "") if COAR_URIS[s] else "(none)") for s in ACCESS_STATUSES]
        return list_table(("status", "COAR access right"), rows, "25 75")


class AccessSchemesDirective(_TextDirective):
    def text(self) -> list[str]:
        from recordparse.normalize.access import SCHEMES

        rows = []
        for scheme, table in SCHEMES.items():
            for value, status in table.items():
                rows.append((f"``{scheme}``", literal(value), f"``{status}``"))
        return list_table(("vocabulary", "value", "status"), rows, "25 50 25")


class CliHelpDirective(_TextDirective):
    def text(self) -> list[str]:
        from recordparse.cli import _build_parser

        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "96"
        try:
            top = _build_parser()
            lines = [".. code-block:: text", ""]
            lines += ["   " + line for line in top.format_help().splitlines()]
            lines.append("")
            subs = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
            for name, sub in subs.choices.items():
                lines += heading(f"recordparse {name}", "-")
                lines += [".. code-block:: text", ""]
                lines += ["   " + line for line in sub.format_help().splitlines()]
                lines.append("")
        finally:
            if previous is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = previous
        return lines


class ColumnsDirective(_TextDirective):
    def text(self) -> list[str]:
        from recordparse.exports.csv import COLUMNS

        return [", ".join(f"``{c}``" for c in COLUMNS), ""]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate_format_pages)
    app.add_directive("recordparse-docstring", DocstringDirective)
    app.add_directive("recordparse-statuses", StatusesDirective)
    app.add_directive("recordparse-access-schemes", AccessSchemesDirective)
    app.add_directive("recordparse-cli-help", CliHelpDirective)
    app.add_directive("recordparse-columns", ColumnsDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
