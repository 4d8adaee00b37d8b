"""recordparse.testing: the conformance suite, applied to every built-in parser with fixtures,
shown to catch parsers that break the contract, and make_registry.

A built-in parser's samples are the files under ``fixtures/<family>/`` (the family is its
module's name, ``vufind_solr`` -> ``vufind-solr``) that auto-detection gives to that parser and
that read without failures; a parser with none is skipped with the reason.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import recordparse
from recordparse import Failure, Input, Parser, Position, RawRecord, Record, RecordBuilder
from recordparse.registry import BUILTIN_PARSERS, Registry
from recordparse.testing import (
    ParserConformance,
    Sample,
    check_declarations,
    check_error_policy,
    check_positions,
    check_round_trip,
    check_sniff_robust,
    check_sniff_samples,
    check_streaming,
    load_sample,
    make_registry,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
KV_PARSER = ROOT / "tests" / "plugin_pkg" / "recordparse_kv" / "parser.py"
KV_SAMPLE = ROOT / "tests" / "plugin_pkg" / "samples" / "export.kv"
_NOT_SAMPLES = (".md", ".txt.expected", ".expected.json", ".rst")


# --------------------------------------------------------------------------------------------
# Built-in parsers and their fixtures


def family_of(name: str) -> str:
    """``recordparse.formats.vufind_solr:SolrJsonParser`` -> ``vufind-solr``."""
    module = BUILTIN_PARSERS[name].partition(":")[0].rsplit(".", 1)[-1]
    return module.replace("_", "-")


@functools.cache
def _builtin_registry() -> Registry:
    return Registry(plugins=False)


@functools.cache
def _detected(path: Path) -> str | None:
    try:
        ranked = recordparse.detect(path, registry=_builtin_registry())
    except recordparse.RecordParseError:
        return None
    return ranked[0].name if ranked else None


@functools.cache
def builtin_samples(name: str) -> tuple[Sample, ...]:
    """The clean fixtures of ``name``'s family that detection assigns to ``name``."""
    family = family_of(name)
    folder = next((d for d in (FIXTURES / family, FIXTURES / family.replace("-", "_")) if d.is_dir()), None)
    if folder is None:
        return ()
    parser = _builtin_registry().get(name)
    samples = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(_NOT_SAMPLES)):
        if _detected(path) != name:
            continue
        sample = load_sample(path)
        outcomes = list(recordparse.reading.iter_outcomes(sample.input(), parser))
        if outcomes and all(isinstance(o, Record) for o in outcomes):
            samples.append(sample)
    return tuple(samples)


class _BuiltinConformance(ParserConformance):
    """The suite for one built-in parser, its samples found in ``fixtures/`` when first needed."""

    format_name: ClassVar[str]

    def get_parser(self) -> Parser:
        return _builtin_registry().get(self.format_name)

    def get_samples(self) -> list[Sample]:
        found = builtin_samples(self.format_name)
        if not found:
            pytest.skip(
                f"{self.format_name}: no clean fixture under fixtures/{family_of(self.format_name)}/ "
                "is detected as this format yet"
            )
        return list(found)

    def get_others(self) -> list[Parser]:
        return [p for p in _builtin_registry().parsers(include_plugins=False) if p.name != self.format_name]


#: Contract violations found by the suite and not fixed yet: (format, test) -> what breaks.
#: They run as strict xfails, so a fix shows up as XPASS and its entry must then go.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def _known(test: str, reason: str) -> Any:
    base = getattr(ParserConformance, test)

    @pytest.mark.xfail(strict=True, reason=reason)
    def method(self: ParserConformance) -> None:
        base(self)

    method.__name__ = test
    return method


def _class_name(name: str) -> str:
    return "TestConformance_" + name.replace("-", "_")


for _name in sorted(BUILTIN_PARSERS):
    _body: dict[str, Any] = {"format_name": _name}
    for (_format, _test), _reason in KNOWN_VIOLATIONS.items():
        if _format == _name:
            _body[_test] = _known(_test, _reason)
    globals()[_class_name(_name)] = type(_class_name(_name), (_BuiltinConformance,), _body)


# --------------------------------------------------------------------------------------------
# The suite on a plugin parser (the one tests/plugin_pkg ships)


def _load_kv_parser() -> type[Parser]:
    spec = importlib.util.spec_from_file_location("recordparse_kv_parser_under_test", KV_PARSER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parser: type[Parser] = module.KeyValueParser
    return parser


class TestKeyValuePluginConformance(ParserConformance):
    parser = _load_kv_parser()
    samples = (KV_SAMPLE,)


# --------------------------------------------------------------------------------------------
# The suite catches parsers that break the contract


class _Lines(Parser):
    """A correct little parser of ``id|title`` lines, the base of the broken ones below."""

    name = "pipe-lines"
    title = "id|title lines"
    media_types = ("text/plain",)
    patterns = ("*.pipe",)
    field_map: ClassVar[dict[str, str]] = {"id": "id", "title": "title"}

    def sniff(self, head: bytes) -> float:
        return 0.9 if head.startswith(b"pipe|") else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        offset = 0
        for number, line in enumerate(iter(inp.stream.readline, b""), start=1):
            yield RawRecord(line, Position(inp.name, number, number, offset))
            offset += len(line)

    def map(self, raw: RawRecord) -> Record:
        ident, sep, title = raw.data.decode().rstrip("\n").partition("|")
        if not sep:
            raise self.fail(raw, "no '|'")
        builder = RecordBuilder(self.name)
        builder.set("id", ident)
        builder.set("title", title)
        return builder.build()


PIPE = Sample("<pipe>", b"pipe|header\na|Alpha\nb|Beta\nc|Gamma\nd|Delta\n")


class TestPipeLinesConformance(ParserConformance):
    parser = _Lines
    samples = (PIPE,)
    others = ()


class _Slurper(_Lines):
    name = "slurper"

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        data = inp.stream.read()  # reads everything before yielding anything
        yield from _Lines.split(self, Input(inp.name, io.BytesIO(data), inp.head, inp.filename))


class _RaisingSniffer(_Lines):
    name = "raising-sniffer"

    def sniff(self, head: bytes) -> float:
        return 1.0 / len(head)  # ZeroDivisionError on empty input, > 1 never


class _Shy(_Lines):
    name = "shy"

    def sniff(self, head: bytes) -> float:
        return 0.0


class _Miscounting(_Lines):
    name = "miscounting"

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        for raw in _Lines.split(self, inp):
            assert isinstance(raw, RawRecord)
            yield RawRecord(raw.data, Position(raw.position.source, raw.position.record - 1, 1, 0))


class _Unserialisable(_Lines):
    name = "unserialisable"

    def map(self, raw: RawRecord) -> Record:
        record = _Lines.map(self, raw)
        return Record(format=self.name, id=record.id, extra={"score": float("nan")})


class _BadDeclarations(_Lines):
    name = "Bad Name"


class _Dropper(_Lines):
    """Loses the record that fails to map instead of reporting it."""

    name = "dropper"

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        for raw in _Lines.split(self, inp):
            assert isinstance(raw, RawRecord)
            if raw.data.endswith(b"\n"):
                yield raw


def test_suite_passes_a_correct_parser() -> None:
    parser = _Lines()
    check_declarations(parser)
    check_sniff_robust(parser, [PIPE])
    check_sniff_samples(parser, [PIPE], [_Shy()])
    check_streaming(parser, [PIPE])
    check_positions(parser, [PIPE])
    check_error_policy(parser, [PIPE])
    check_round_trip(parser, [PIPE])


@pytest.mark.parametrize(
    ("parser", "check", "message"),
    [
        (_Slurper(), lambda p: check_streaming(p, [PIPE]), "split must stream"),
        (_RaisingSniffer(), lambda p: check_sniff_robust(p, [PIPE]), "sniff raised ZeroDivisionError"),
        (_Shy(), lambda p: check_sniff_samples(p, [PIPE], [_Lines(), _Lines(), _Lines()]), "not above the other parsers' median"),
        (_Miscounting(), lambda p: check_positions(p, [PIPE]), "record numbers [0, 1, 2, 3, 4]"),
        (_Unserialisable(), lambda p: check_round_trip(p, [PIPE]), "is not JSON"),
        (_BadDeclarations(), check_declarations, "lower case words joined by hyphens"),
        (_Dropper(), lambda p: check_error_policy(p, [PIPE]), "candidates were there"),
    ],
    ids=["buffers-input", "sniff-raises", "sniff-loses", "positions", "not-json", "declarations", "loses-records"],
)
def test_suite_catches_a_broken_parser(parser: Parser, check: Any, message: str) -> None:
    with pytest.raises(AssertionError) as caught:
        check(parser)
    assert message in str(caught.value)


def test_field_map_entries_must_name_a_target() -> None:
    class Wrong(_Lines):
        name = "wrong-map"
        field_map: ClassVar[dict[str, str]] = {"dc.title": "title", "dc.date": ""}

    with pytest.raises(AssertionError, match=r"field_map\['dc.date'\] has no target"):
        check_declarations(Wrong())


# --------------------------------------------------------------------------------------------
# make_registry


def test_make_registry_holds_only_the_given_parsers() -> None:
    registry = make_registry(_Lines, _Shy())
    assert registry.names() == ["pipe-lines", "shy"]
    assert not registry.plugins_enabled
    records = list(recordparse.read(PIPE.data[len(b"pipe|header\n") :], "pipe-lines", registry=registry))
    assert [(r.id, r.title) for r in records] == [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma"), ("d", "Delta")]
    assert recordparse.detect(PIPE.data, registry=registry)[0].name == "pipe-lines"


def test_make_registry_with_builtins() -> None:
    registry = make_registry(_Lines, builtins=True)
    assert set(BUILTIN_PARSERS) | {"pipe-lines"} == set(registry.names())
    with pytest.raises(recordparse.FormatError, match="already registered"):
        make_registry(_Lines, _Lines)


def test_samples_load_from_compressed_files(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "lines.pipe.gz"
    path.write_bytes(gzip.compress(PIPE.data))
    sample = load_sample(path)
    assert sample.data == PIPE.data
    assert json.loads(json.dumps(sample.name)) == str(path)
