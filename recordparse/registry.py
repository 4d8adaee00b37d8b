"""The parser and validator tables: built-ins, entry-point plugins, lazy loading and sniffing.

Built-in parsers are listed as ``"module:Class"`` strings (:data:`BUILTIN_PARSERS`) and imported
on first use. Third-party packages add parsers through the entry-point group
``recordparse.parsers`` and validators through ``recordparse.validators``. Plugins are *listed*
from package metadata without importing them, and imported only when:

- a caller names their format (``format="x"``), or
- sniffing found no built-in format that fits well, or
- :meth:`Registry.load_plugins` is called (``recordparse formats`` does this).

``RECORDPARSE_DISABLE_PLUGIN_AUTOLOAD=1`` (or ``plugins=False``, or the CLI's ``--no-plugins``)
turns plugin loading off entirely. A plugin that fails to import or misbehaves is reported as a
:class:`~recordparse.errors.PluginError` warning naming the plugin and its distribution; the
built-in formats keep working.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import Any

import attrs

from .errors import FormatError, PluginError, UnknownFormatError
from .formats.base import Parser
from .record import Flag, Record
from .sources import RecordParseWarning

__all__ = [
    "BUILTIN_PARSERS",
    "BUILTIN_VALIDATORS",
    "PARSER_GROUP",
    "VALIDATOR_GROUP",
    "Candidate",
    "Registry",
    "ValidatorFunc",
    "default_registry",
]

PARSER_GROUP = "recordparse.parsers"
VALIDATOR_GROUP = "recordparse.validators"
DISABLE_ENV = "RECORDPARSE_DISABLE_PLUGIN_AUTOLOAD"

#: name -> "module:Class" for every built-in parser; imported lazily.
BUILTIN_PARSERS: dict[str, str] = {
    # VuFind
    "vufind-text": "recordparse.formats.vufind_text:VuFindTextParser",
    "vufind-solr-json": "recordparse.formats.vufind_solr:SolrJsonParser",
    "vufind-solr-xml": "recordparse.formats.vufind_solr:SolrXmlParser",
    # DOAJ and OAI-PMH
    "oai-pmh": "recordparse.formats.oai:OaiPmhParser",
    "doaj-json": "recordparse.formats.doaj_json:DoajJsonParser",
    "doaj-xml": "recordparse.formats.doaj_xml:DoajXmlParser",
    # Institutional repositories
    "figshare-text": "recordparse.formats.figshare:FigshareTextParser",
    "figshare-html": "recordparse.formats.figshare:FigshareHtmlParser",
    "figshare-api": "recordparse.formats.figshare:FigshareApiParser",
    "eprints-xml": "recordparse.formats.eprints:EprintsXmlParser",
    "eprints-html": "recordparse.formats.eprints:EprintsHtmlParser",
    "eprints-text": "recordparse.formats.eprints:EprintsTextParser",
    "eprints-simple": "recordparse.formats.eprints:EprintsSimpleParser",
    "dspace-html": "recordparse.formats.dspace:DspaceHtmlParser",
    "dspace-text": "recordparse.formats.dspace:DspaceTextParser",
    "zenodo-json": "recordparse.formats.zenodo:ZenodoJsonParser",
    "hyrax-json": "recordparse.formats.hyrax:HyraxJsonParser",
    # Any page with citation_*, Dublin Core or schema.org metadata
    "meta-tags": "recordparse.formats.meta_tags:MetaTagsParser",
}

#: Validator signature: a Record and the check context in, flags out.
ValidatorFunc = Callable[[Record, Any], Iterable[Flag]]

#: name -> "module:function" for every built-in validator.
BUILTIN_VALIDATORS: dict[str, str] = {
    "access": "recordparse.validators.access:check_access",
    "identifiers": "recordparse.validators.identifiers:check_identifiers",
    "consistency": "recordparse.validators.consistency:check_consistency",
}

#: A sniff score at or above this means a built-in fits well enough to skip plugins.
CONFIDENT = 0.5
#: Below this no format is chosen.
MINIMUM = 0.15


@attrs.frozen
class Candidate:
    """A format that could read a source, with its score (``detect`` returns these, best first)."""

    name: str
    score: float
    plugin: bool = False


def _load_ref(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def plugins_disabled() -> bool:
    """True when the environment turns plugin autoloading off."""
    return os.environ.get(DISABLE_ENV, "").strip().lower() not in ("", "0", "false", "no")


@attrs.define
class _Entry:
    name: str
    ref: str | None = None
    entry_point: metadata.EntryPoint | None = None
    distribution: str | None = None
    loaded: Any = None
    error: PluginError | None = None

    @property
    def plugin(self) -> bool:
        return self.entry_point is not None


class Registry:
    """A table of parsers and validators.

    :func:`default_registry` holds the built-ins plus installed plugins. Tests and plugin authors
    build their own with ``Registry(builtins=False)`` and :meth:`add_parser`, so that nothing
    installed on the machine changes their results.
    """

    def __init__(self, *, builtins: bool = True, plugins: bool = True) -> None:
        self._parsers: dict[str, _Entry] = {}
        self._validators: dict[str, _Entry] = {}
        self._plugins_allowed = plugins
        self._plugins_listed = False
        if builtins:
            for name, ref in BUILTIN_PARSERS.items():
                self._parsers[name] = _Entry(name, ref=ref)
            for name, ref in BUILTIN_VALIDATORS.items():
                self._validators[name] = _Entry(name, ref=ref)

    # -- registration ------------------------------------------------------------------------
    def add_parser(self, parser: Parser | type[Parser], *, replace: bool = False) -> None:
        """Register a parser class or instance under its ``name``."""
        instance = parser() if isinstance(parser, type) else parser
        name = instance.name
        if not name:
            raise FormatError(f"{type(instance).__name__} has no name")
        if name in self._parsers and not replace:
            raise FormatError(f"a parser named {name!r} is already registered")
        self._parsers[name] = _Entry(name, loaded=instance)

    def add_validator(self, name: str, func: ValidatorFunc, *, replace: bool = False) -> None:
        """Register a validator function under ``name``."""
        if name in self._validators and not replace:
            raise FormatError(f"a validator named {name!r} is already registered")
        self._validators[name] = _Entry(name, loaded=func)

    # -- plugins -----------------------------------------------------------------------------
    @property
    def plugins_enabled(self) -> bool:
        return self._plugins_allowed and not plugins_disabled()

    def _list_plugins(self) -> None:
        """Read the entry points from package metadata (imports nothing)."""
        if self._plugins_listed or not self.plugins_enabled:
            return
        self._plugins_listed = True
        for group, table in ((PARSER_GROUP, self._parsers), (VALIDATOR_GROUP, self._validators)):
            for ep in metadata.entry_points(group=group):
                dist = getattr(getattr(ep, "dist", None), "name", None)
                if ep.name in table:
                    existing = table[ep.name]
                    if existing.entry_point is not None and existing.entry_point.value == ep.value:
                        continue  # the same package seen twice on sys.path
                    _warn(PluginError(ep.name, dist, f"name already taken by {existing.ref or existing.distribution or 'another parser'}; ignored"))
                    continue
                table[ep.name] = _Entry(ep.name, entry_point=ep, distribution=dist)

    def _resolve(self, entry: _Entry, kind: str) -> Any:
        if entry.loaded is not None:
            return entry.loaded
        if entry.error is not None:
            raise entry.error
        try:
            if entry.entry_point is not None:
                obj = entry.entry_point.load()
            else:
                assert entry.ref is not None
                obj = _load_ref(entry.ref)
            if kind == "parser":
                instance = obj() if isinstance(obj, type) else obj
                if not isinstance(instance, Parser):
                    raise TypeError(f"{obj!r} is not a recordparse Parser")
                if instance.name != entry.name:
                    raise TypeError(f"declares name {instance.name!r}, registered as {entry.name!r}")
                entry.loaded = instance
            else:
                if not callable(obj):
                    raise TypeError(f"{obj!r} is not callable")
                entry.loaded = obj
        except Exception as exc:
            if not entry.plugin:
                raise
            entry.error = PluginError(entry.name, entry.distribution, f"failed to load: {type(exc).__name__}: {exc}")
            raise entry.error from exc
        return entry.loaded

    def load_plugins(self) -> list[PluginError]:
        """Import every installed plugin now; returns the errors (also issued as warnings)."""
        self._list_plugins()
        errors: list[PluginError] = []
        for kind, table in (("parser", self._parsers), ("validator", self._validators)):
            for entry in table.values():
                if entry.plugin:
                    try:
                        self._resolve(entry, kind)
                    except PluginError as exc:
                        errors.append(exc)
                        _warn(exc)
        return errors

    # -- lookup ------------------------------------------------------------------------------
    def names(self, *, include_plugins: bool = True) -> list[str]:
        """Known format names (plugins listed from metadata, not imported)."""
        if include_plugins:
            self._list_plugins()
        return sorted(n for n, e in self._parsers.items() if include_plugins or not e.plugin)

    def is_plugin(self, name: str) -> bool:
        entry = self._parsers.get(name)
        return bool(entry and entry.plugin)

    def distribution(self, name: str) -> str | None:
        entry = self._parsers.get(name)
        return entry.distribution if entry else None

    def get(self, name: str, source: str = "<input>") -> Parser:
        """The parser called ``name`` (imports it, or its plugin, if needed)."""
        if name not in self._parsers:
            self._list_plugins()
        entry = self._parsers.get(name)
        if entry is None:
            raise UnknownFormatError(source, f"no format named {name!r}", self.names())
        parser: Parser = self._resolve(entry, "parser")
        return parser

    def parsers(self, *, include_plugins: bool = True) -> Iterator[Parser]:
        """Every loadable parser (broken plugins are reported and skipped)."""
        for name in self.names(include_plugins=include_plugins):
            try:
                yield self.get(name)
            except PluginError as exc:
                _warn(exc)

    def validators(self) -> list[tuple[str, ValidatorFunc]]:
        """Every loadable validator, built-ins first."""
        self._list_plugins()
        out: list[tuple[str, ValidatorFunc]] = []
        for name, entry in self._validators.items():
            try:
                out.append((name, self._resolve(entry, "validator")))
            except PluginError as exc:
                _warn(exc)
        return out

    # -- sniffing ----------------------------------------------------------------------------
    def _score(self, parser: Parser, head: bytes, filename: str) -> float:
        try:
            score = float(parser.sniff(head))
        except Exception as exc:  # a sniffer must never break detection
            _warn(PluginError(parser.name, self.distribution(parser.name), f"sniff raised {type(exc).__name__}: {exc}"))
            return 0.0
        if not 0.0 <= score <= 1.0 or score != score:
            score = 0.0
        if score > 0 and filename and any(fnmatch.fnmatch(filename.lower(), p.lower()) for p in parser.patterns):
            score = min(1.0, score + 0.05)
        return score

    def rank(self, head: bytes, filename: str = "") -> list[Candidate]:
        """Score every format on ``head``; best first, zero scores left out.

        Built-ins are scored first; plugins are imported and scored only when no built-in
        reaches :data:`CONFIDENT` (and plugins are enabled).
        """
        out = [
            Candidate(p.name, s)
            for p in self.parsers(include_plugins=False)
            if (s := self._score(p, head, filename)) > 0
        ]
        if self.plugins_enabled and max((c.score for c in out), default=0.0) < CONFIDENT:
            self._list_plugins()
            for name, entry in list(self._parsers.items()):
                if not entry.plugin:
                    continue
                try:
                    parser = self.get(name)
                except PluginError as exc:
                    _warn(exc)
                    continue
                score = self._score(parser, head, filename)
                if score > 0:
                    out.append(Candidate(name, score, plugin=True))
        out.sort(key=lambda c: (-c.score, c.name))
        return out

    def choose(self, head: bytes, filename: str, source: str) -> Parser:
        """The best parser for ``head``, or :class:`UnknownFormatError` listing the formats."""
        ranked = self.rank(head, filename)
        if not ranked or ranked[0].score < MINIMUM:
            reason = "empty input" if not head.strip() else "no format recognised this input"
            raise UnknownFormatError(source, reason, self.names(include_plugins=False))
        return self.get(ranked[0].name, source)


def _warn(exc: PluginError) -> None:
    warnings.warn(str(exc), RecordParseWarning, stacklevel=3)


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry of built-ins and installed plugins."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry()
    return _DEFAULT
