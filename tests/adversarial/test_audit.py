"""The XML rules, checked on the source code: one hardened configuration, used everywhere.

- Only ``recordparse/xmlsafe.py`` builds lxml parsers or calls lxml's parsing functions; no other
  module imports ``lxml.html``;
- nothing in recordparse, the fuzz targets or these tests imports ``xml.etree``, ``xml.sax``,
  ``xml.dom``/``minidom`` (CPython's bundled expat lacks the amplification limits);
- nothing calls ``xinclude()``, ``XSLT``, ``XMLSchema``, ``RelaxNG``, ``Schematron`` or
  ``set_default_parser`` (each could act on the input: XInclude reads local files; libxslt would
  be one more C library processing hostile trees). Compiled ``etree.XPath`` expressions are
  allowed: they are constants in the code, and XPath 1.0 has no function that reads a file;
- ``xmlsafe`` hands lxml bytes it read itself, never a file name or URL, with the options of
  reliability.md §1.3, plus a deny-all resolver.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from recordparse import xmlsafe

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("recordparse", "fuzz", "tests/adversarial", "tests/properties")
PARSING = {"fromstring", "fromstringlist", "parse", "iterparse", "XMLParser", "XMLPullParser", "HTMLParser",
           "HTMLPullParser", "XML", "HTML", "XMLID", "XMLDTDID", "DTD"}
NEVER = {"xinclude", "XInclude", "XSLT", "XMLSchema", "RelaxNG", "Schematron", "set_default_parser"}
FORBIDDEN_MODULES = ("xml.etree", "xml.sax", "xml.dom", "xml.parsers", "defusedxml", "lxml.html", "lxml.objectify")


def _modules() -> Iterator[Path]:
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve() != Path(__file__).resolve():  # this audit calls lxml on purpose
                yield path


def _imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node.lineno
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno


def _etree_names(tree: ast.AST) -> set[str]:
    """The local names bound to ``lxml.etree`` in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "lxml":
            names |= {a.asname or a.name for a in node.names if a.name == "etree"}
        elif isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "lxml.etree" and a.asname}
    return names


def _violations(path: Path, source: str | None = None) -> list[str]:
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, str(path))
    relative = path.relative_to(ROOT).as_posix()
    found = []
    is_xmlsafe = relative == "recordparse/xmlsafe.py"
    for module, line in _imports(tree):
        if module.startswith(FORBIDDEN_MODULES) and not (is_xmlsafe and module.startswith("lxml.html")):
            found.append(f"{relative}:{line}: imports {module}")
    etree_names = _etree_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in NEVER:
            found.append(f"{relative}:{node.lineno}: uses {node.attr}")
        owner = node.value
        if node.attr in PARSING and isinstance(owner, ast.Name) and owner.id in etree_names and not is_xmlsafe:
            found.append(f"{relative}:{node.lineno}: calls etree.{node.attr} outside xmlsafe")
    return found


def test_no_module_bypasses_the_safe_xml_layer() -> None:
    scanned = list(_modules())
    assert len(scanned) > 30
    problems = [p for path in scanned for p in _violations(path)]
    assert problems == []


def test_the_audit_would_catch_a_bypass() -> None:
    source = "from lxml import etree as ET\nimport xml.sax\n\ndef f(b):\n    ET.fromstring(b).getroottree().xinclude()\n"
    problems = _violations(ROOT / "recordparse" / "probe.py", source)
    assert len(problems) == 3, problems


def test_the_one_parser_configuration_is_the_hardened_one() -> None:
    options = xmlsafe._PARSER_OPTIONS
    assert options["resolve_entities"] is False
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["dtd_validation"] is False
    assert options["attribute_defaults"] is False
    assert options["huge_tree"] is False
    assert options["decompress"] is False
    parser = xmlsafe.safe_parser()
    assert isinstance(parser, etree.XMLParser)
    # an internal entity is left as an unexpanded reference, never replaced by its text
    root = etree.fromstring(b'<!DOCTYPE r [<!ENTITY ee "EXPANDED">]><r>&ee;</r>', parser)
    assert "EXPANDED" not in "".join(root.itertext())
    assert [node.text for node in root.iter(etree.Entity)] == ["&ee;"]


def test_lxml_is_recent_enough_for_its_safe_defaults_too() -> None:
    # CVE-2026-41066: iterparse resolved entities by default before 6.1.0. recordparse passes
    # every option explicitly anyway; this records which build the suite ran against.
    assert etree.LXML_VERSION >= (6, 1, 0), etree.LXML_VERSION
    assert etree.LIBXML_VERSION >= (2, 11, 0), etree.LIBXML_VERSION  # the amplification cap
