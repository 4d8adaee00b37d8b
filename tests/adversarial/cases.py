"""The adversarial corpus: every hostile input as code, generated at test time (nothing large
is committed).

A :class:`Case` builds its input inside the isolated child (:func:`harness.run_isolated`), reads
it with ``errors="collect"``, and states what must come out (``expect``). On top of that every
case is held to the same rules by ``test_corpus.py``: it finishes within its timeout and memory
budget, nothing escapes ``read`` but Records and Failures, every Failure is one line, the canary
secret appears nowhere, and the loopback listener receives no connection.

Groups: ``xml`` (entity, DTD, XInclude and resource attacks on every XML format), ``html``
(silent-loss and decoding traps on every HTML format), ``json`` and ``text`` (numbers,
nesting, encodings, long lines), ``archive`` (bombs, corrupt streams, hostile member names) and
``regression`` (inputs the fuzzers found; each was a bug, now fixed).
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import json
import lzma
import os
import struct
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

import recordparse
from recordparse import Limits

from .harness import Canary, Listener, Report

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
MB = 1024 * 1024
_REGISTRY = recordparse.Registry(plugins=False)


@attrs.frozen
class Env:
    """What the cases may point at: the canary, the listener, a FIFO, scratch files."""

    directory: Path
    canary: Canary
    listener: Listener
    fifo: Path
    evil_dtd: Path


Expect = Callable[[Report, Env], None]


def _nothing(report: Report, env: Env) -> None:
    return None


@attrs.frozen
class Case:
    id: str
    group: str
    make: Callable[[Env], Any]
    format: str | None = None
    expect: Expect = _nothing
    limits: Limits | None = None
    timeout: float = 10.0
    memory_mb: int = 768
    max_growth_mb: float = 300.0


# --------------------------------------------------------------------------------------------
# Expectations


def all_of(*checks: Expect) -> Expect:
    def check(report: Report, env: Env) -> None:
        for c in checks:
            c(report, env)

    return check


def records(n: int) -> Expect:
    def check(report: Report, env: Env) -> None:
        assert len(report.records) == n, f"expected {n} records, got {len(report.records)}: {report.failures}"

    return check


def outcomes(n: int) -> Expect:
    """Exactly ``n`` outcomes (records + failures): the accounting of a framed input."""

    def check(report: Report, env: Env) -> None:
        assert len(report.outcomes) == n, f"expected {n} outcomes, got {[o.get('message', o.get('id')) for o in report.outcomes]}"

    return check


def failed(*words: str, kind: str | None = None, at_least: int = 1) -> Expect:
    """At least ``at_least`` failures, one of which mentions all ``words`` (case-insensitive)."""

    def check(report: Report, env: Env) -> None:
        fails = report.failures
        assert len(fails) >= at_least, f"expected a failure mentioning {words}, got none; records: {len(report.records)}"
        if kind is not None:
            assert any(f["kind"] == kind for f in fails), f"no failure of kind {kind}: {[f['message'] for f in fails]}"
        if words:
            assert any(all(w.lower() in f["message"].lower() for w in words) for f in fails), (
                f"no failure mentions {words}: {[f['message'] for f in fails]}"
            )

    return check


def no_failure(report: Report, env: Env) -> None:
    assert not report.failures, [f["message"] for f in report.failures]


def flagged(*words: str) -> Expect:
    """Every record carries a flag whose code or message mentions all ``words``."""

    def check(report: Report, env: Env) -> None:
        assert report.records, "expected flagged records, got none"
        for record in report.records:
            flags = record["extra"].get("_flags", [])
            texts = [f"{f['code']} {f['message']}".lower() for f in flags]
            assert any(all(w.lower() in t for w in words) for t in texts), f"record {record['id']} not flagged {words}: {texts}"

    return check


def field_is(field: str, value: Any, record: int = 0) -> Expect:
    def check(report: Report, env: Env) -> None:
        assert report.records, f"no record: {[f['message'] for f in report.failures]}"
        got = report.records[record][field]
        assert got == value, f"{field}: {got!r} != {value!r}"

    return check


def _title_starts(prefix: str) -> Expect:
    def check(report: Report, env: Env) -> None:
        assert report.records and (report.records[0]["title"] or "").startswith(prefix), report.records[:1]

    return check


def text_absent(*needles: str) -> Expect:
    """None of ``needles`` appears anywhere in the output (an entity was not expanded)."""

    def check(report: Report, env: Env) -> None:
        text = report.text()
        for needle in needles:
            assert needle not in text, f"{needle[:40]!r} found in the output"

    return check


def text_present(*needles: str) -> Expect:
    def check(report: Report, env: Env) -> None:
        text = report.text()
        for needle in needles:
            assert needle in text, f"{needle[:40]!r} missing from the output"

    return check


def numbered_in_order(report: Report, env: Env) -> None:
    """Record numbers 1..n without gaps or repeats (per source)."""
    by_source: dict[str, list[int]] = {}
    for o in report.outcomes:
        source = o["position"]["source"] if o["outcome"] == "record" else o["source"]
        number = o["position"]["record"] if o["outcome"] == "record" else o["record"]
        by_source.setdefault(source, []).append(number)
    for source, numbers in by_source.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"{source}: {numbers}"


# --------------------------------------------------------------------------------------------
# XML: one template per XML format; the attack goes in the DOCTYPE and in a title


XML_TEMPLATES: dict[str, tuple[str, str]] = {
    "oai-pmh": (
        '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
        "<responseDate>2024-01-01T00:00:00Z</responseDate>\n"
        '<request verb="ListRecords" metadataPrefix="oai_dc">https://repo.example.org/oai</request>\n'
        "<ListRecords>\n{records}</ListRecords>\n</OAI-PMH>\n",
        "<record><header><identifier>oai:repo.example.org:{n}</identifier><datestamp>2024-01-01</datestamp></header>"
        '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title{attr}>{title}</dc:title><dc:creator>Gagnon, Marie</dc:creator><dc:date>2021</dc:date>{body}"
        "<dc:identifier>https://doi.org/10.1234/rec.{n}</dc:identifier></oai_dc:dc></metadata></record>\n",
    ),
    "doaj-xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<records>\n{records}</records>\n',
        "<record><language>eng</language><publisher>Example Press</publisher><journalTitle>Journal of Examples</journalTitle>"
        "<eissn>1705-0065</eissn><publicationDate>2023-10</publicationDate><doi>10.1234/rec.{n}</doi>"
        '<documentType>article</documentType><title language="eng"{attr}>{title}</title>{body}'
        '<fullTextUrl format="html">https://example.org/{n}</fullTextUrl></record>\n',
    ),
    "eprints-xml": (
        '<?xml version="1.0" encoding="utf-8"?>\n{doctype}<eprints xmlns="http://eprints.org/ep2/data/2.0">\n{records}</eprints>\n',
        '<eprint id="https://eprints.example.ac.uk/id/eprint/{n}"><eprintid>{n}</eprintid><eprint_status>archive</eprint_status>'
        "<type>article</type><title{attr}>{title}</title>{body}<creators><item><name><family>Hartley</family><given>Ann</given>"
        "</name></item></creators><date>2019</date><full_text_status>public</full_text_status></eprint>\n",
    ),
    "vufind-solr-xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<add>\n{records}</add>\n',
        '<doc><field name="id">rec-{n}</field><field name="record_format">Article</field>'
        '<field name="title"{attr}>{title}</field>{body}<field name="author">Quispe, Lucia</field>'
        '<field name="publishDate">2019</field></doc>\n',
    ),
}

_BODY_TAG = {"oai-pmh": "dc:description", "doaj-xml": "abstract", "eprints-xml": "abstract", "vufind-solr-xml": 'field name="description"'}


def xml_doc(
    fmt: str,
    *,
    doctype: str = "",
    title: str = "Title {n}",
    attr: str = "",
    body: str = "",
    n: int = 3,
    encoding: str = "utf-8",
) -> bytes:
    """A document of ``fmt`` with ``n`` records; ``{n}`` in ``title`` is the record number."""
    doc, rec = XML_TEMPLATES[fmt]
    records = "".join(rec.format(n=i, title=title.format(n=i), attr=attr, body=body) for i in range(1, n + 1))
    text = doc.format(doctype=doctype, records=records)
    if encoding != "utf-8":
        text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"').replace('encoding="utf-8"', f'encoding="{encoding}"')
    return text.encode(encoding)


def _body(fmt: str, content: str) -> str:
    tag = _BODY_TAG[fmt]
    return f"<{tag}>{content}</{tag.split()[0]}>"


_LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' if i else '<!ENTITY lol0 "lol">' for i in range(10)
)
BILLION_LAUGHS = f"<!DOCTYPE r [{_LAUGHS}]>\n"
QUADRATIC_ENTITY = "<!DOCTYPE r [<!ENTITY a \"" + "B" * 50_000 + "\">]>\n"


def _xml_attacks(fmt: str) -> list[Case]:
    """The entity, DTD and XInclude attacks of reliability.md §1.2 against one XML format."""
    clean = xml_doc(fmt)

    def doc(**kw: Any) -> Callable[[Env], bytes]:
        return lambda env: xml_doc(fmt, **{k: (v(env) if callable(v) else v) for k, v in kw.items()})

    safe = all_of(records(3), text_absent("lollollol"))
    return [
        Case(f"{fmt}-billion-laughs", "xml", doc(doctype=BILLION_LAUGHS, title="&lol9;"), fmt, safe),
        Case(f"{fmt}-billion-laughs-attribute", "xml", doc(doctype=BILLION_LAUGHS, attr=' xml:lang="&lol9;"'), fmt, text_absent("lollollol")),
        Case(
            f"{fmt}-quadratic-blowup",
            "xml",
            doc(doctype=QUADRATIC_ENTITY, title="&a;" * 40_000, n=1),
            fmt,
            text_absent("B" * 50_000),
        ),
        Case(
            f"{fmt}-quadratic-split",
            "xml",
            doc(doctype=QUADRATIC_ENTITY, body=_body(fmt, "&a;") * 2_000, n=2),
            fmt,
            text_absent("B" * 50_000),
        ),
        Case(
            f"{fmt}-xxe-local-file",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{env.canary.url}">]>\n', title="&ee;"),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-xxe-relative-file",
            "xml",
            _relative_xxe(fmt),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-xxe-network",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{env.listener.url}/x">]>\n', title="&ee;"),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-external-dtd-network",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r SYSTEM "{env.listener.url}/evil.dtd">\n'),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-external-dtd-file-defining-xxe",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r SYSTEM "{env.evil_dtd.as_uri()}">\n', title="&ee;"),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-external-dtd-fifo",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r SYSTEM "{env.fifo.as_uri()}">\n'),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-entity-fifo",
            "xml",
            doc(doctype=lambda env: f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{env.fifo.as_uri()}">]>\n', title="&ee;"),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-parameter-entity-oob",
            "xml",
            doc(
                doctype=lambda env: (
                    f'<!DOCTYPE r [<!ENTITY % file SYSTEM "{env.canary.url}">'
                    f'<!ENTITY % dtd SYSTEM "{env.listener.url}/oob.dtd"> %dtd; %file;]>\n'
                )
            ),
            fmt,
            records(3),
        ),
        Case(
            f"{fmt}-xinclude-file",
            "xml",
            doc(body=lambda env: f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{env.canary.url}" parse="text"/>'),
            fmt,
            _clean_or_failed(clean),
        ),
    ]


def _clean_or_failed(reference: bytes) -> Expect:
    """The attack changed nothing that was read: three records, or failures, never a leak."""

    def check(report: Report, env: Env) -> None:
        assert len(report.outcomes) == 3, [o.get("message", o.get("id")) for o in report.outcomes]

    return check


def _relative_xxe(fmt: str) -> Callable[[Env], str]:
    """The document sits beside the secret and names it relatively: only a parser given the
    file name (a base URL) could resolve it."""

    def make(env: Env) -> str:
        path = env.directory / f"relative-{fmt}.xml"
        path.write_bytes(xml_doc(fmt, doctype='<!DOCTYPE r [<!ENTITY ee SYSTEM "secret.txt">]>\n', title="&ee;"))
        return str(path)

    return make


def _gzip_bomb(size: int = 1 << 30, unit: bytes = b"<a/>") -> bytes:
    """A valid gzip stream of ``size`` bytes of ``unit`` in about 1 MB: one full-flushed
    deflate block repeated (each block stands alone), with the correct CRC and length."""
    block = unit * ((1 << 20) // len(unit))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + chunk * count + deflate.flush() + struct.pack("<II", crc, (count * len(block)) & 0xFFFFFFFF)


def _oai_bomb() -> bytes:
    """An OAI-PMH page whose first record is followed by 1 GiB of elements (gzip, ~1 MB)."""
    return gzip.compress(_oai_bomb_head()) + _gzip_bomb()


def _oai_bomb_head() -> bytes:
    doc = xml_doc("oai-pmh", n=1)
    return doc[: doc.index(b"</ListRecords>")]


def _xml_singles() -> list[Case]:
    oai = "oai-pmh"
    return [
        Case("xml-gzip-bomb-1gb", "xml", lambda env: _oai_bomb(), None, all_of(records(1), failed("compression ratio", "limit")), timeout=20),
        Case("xml-gzip-bomb-unrecognised-stops-at-head", "xml", lambda env: _gzip_bomb(), None, failed("no format recognised"), timeout=20),
        Case("xml-gzip-bomb-named-xml", "xml", _named_bomb, None, failed("compression ratio"), timeout=20),
        Case("xml-gzip-bomb-nested", "xml", lambda env: gzip.compress(_oai_bomb(), 9), None, failed("compression ratio"), timeout=20),
        Case(
            "xml-gzip-bomb-below-ratio-hits-size-limit",
            "xml",
            lambda env: gzip.compress(os.urandom(1 << 16) * 64 * 4),
            oai,
            failed("decompressed size exceeds"),
            limits=Limits(max_bytes=8 * MB),
        ),
        Case("xml-deep-nesting-300", "xml", lambda env: xml_doc(oai, body="<x>" * 300 + "</x>" * 300, n=2), oai, failed("depth", at_least=2)),
        Case("xml-deep-nesting-100k", "xml", lambda env: xml_doc(oai, body="<x>" * 100_000 + "</x>" * 100_000, n=2), oai, failed("depth", at_least=2)),
        Case("xml-huge-text-node-20mb", "xml", lambda env: xml_doc(oai, body=_body(oai, "x" * (20 * MB)), n=1), oai, failed("too long")),
        Case("xml-huge-attribute-20mb", "xml", lambda env: xml_doc(oai, attr=' a="' + "x" * (20 * MB) + '"', n=1), oai, failed("limit")),
        Case("xml-name-100k", "xml", lambda env: xml_doc(oai, body="<" + "n" * 100_000 + "/>", n=1), oai, failed("name")),
        Case(
            "xml-100k-attributes",
            "xml",
            lambda env: xml_doc(oai, body="<x " + " ".join(f'a{i}="1"' for i in range(100_000)) + "/>", n=1),
            oai,
            records(1),
        ),
        Case(
            "xml-50k-namespace-declarations",
            "xml",
            lambda env: xml_doc(oai, body="<x " + " ".join(f'xmlns:p{i}="urn:x:{i}"' for i in range(50_000)) + "/>", n=1),
            oai,
            records(1),
        ),
        Case("xml-nul-byte", "xml", lambda env: xml_doc(oai, title="a\x00b"), oai, all_of(outcomes(3), failed("invalid char", at_least=3))),
        Case("xml-char-ref-zero", "xml", lambda env: xml_doc(oai, title="a&#0;b", n=2), oai, all_of(outcomes(2), failed("xmlParseCharRef", at_least=2))),
        Case("xml-char-ref-x1", "xml", lambda env: xml_doc(oai, title="a&#x1;b", n=2), oai, all_of(outcomes(2), failed("xmlParseCharRef", at_least=2))),
        Case(
            "xml-undeclared-html-entity",
            "xml",
            lambda env: xml_doc(oai, title="caf&eacute;&nbsp;bar"),
            oai,
            all_of(records(3), field_is("title", "café bar"), flagged("repaired")),
        ),
        Case(
            "xml-declared-utf8-bytes-latin1",
            "xml",
            lambda env: xml_doc(oai, title="café {n}").replace("café".encode(), "café".encode("latin-1")),
            oai,
            outcomes(3),
        ),
        Case("xml-utf16-bom", "xml", lambda env: b"\xff\xfe" + xml_doc(oai, title="café {n}").decode().encode("utf-16-le"), oai, all_of(records(3), field_is("title", "café 1"))),
        Case("xml-utf16-declared-no-bom", "xml", lambda env: xml_doc(oai, title="Ωmega {n}", encoding="utf-16-le"), oai, all_of(records(3), field_is("title", "Ωmega 1"))),
        Case("xml-latin1-declared", "xml", lambda env: xml_doc(oai, title="Müller {n}", encoding="iso-8859-1"), oai, all_of(records(3), field_is("title", "Müller 1"))),
        Case("xml-unknown-encoding-declared", "xml", lambda env: xml_doc(oai).replace(b'encoding="UTF-8"', b'encoding="x-no-such"'), oai, outcomes(3)),
        Case("xml-bom-contradicts-declaration", "xml", lambda env: b"\xef\xbb\xbf" + xml_doc(oai, title="é {n}").replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'), oai, outcomes(3)),
        Case("xml-truncated-mid-record", "xml", lambda env: xml_doc(oai)[:-200], oai, all_of(records(2), failed("truncated", kind="truncated"), numbered_in_order)),
        Case("xml-stylesheet-pi-and-schema-location", "xml", _stylesheet_doc, oai, records(3)),
        Case("xml-mixed-good-broken-good", "xml", _good_broken_good, oai, all_of(outcomes(3), records(2), numbered_in_order)),
        Case("xml-commented-out-record", "xml", lambda env: xml_doc(oai).replace(b"<ListRecords>\n", b"<ListRecords>\n<!-- <record>fake</record> -->\n"), oai, all_of(records(3), numbered_in_order)),
        Case("xml-cdata-with-fake-end-tag", "xml", lambda env: xml_doc(oai, title="T{n} <![CDATA[</record></ListRecords>]]>"), oai, all_of(records(3), numbered_in_order, _title_starts("T1"))),
        Case(
            "xml-unclosed-comment-hits-record-limit",
            "xml",
            lambda env: _oai_bomb_head() + b"<!--" + b"x" * (3 * MB),
            oai,
            all_of(records(1), failed("comment", "larger than")),
            limits=Limits(max_record=1 * MB),
        ),
        Case(
            "xml-record-over-size-limit",
            "xml",
            lambda env: xml_doc(oai, body=_body(oai, "y" * (2 * MB))),
            oai,
            failed("larger than"),
            limits=Limits(max_record=1 * MB),
        ),
        Case("xml-empty-input", "xml", lambda env: b"", None, failed("empty input", kind="format")),
        Case("xml-only-declaration", "xml", lambda env: b'<?xml version="1.0"?>', oai, outcomes(0)),
    ]


def _named_bomb(env: Env) -> str:
    path = env.directory / "harvest.xml"
    path.write_bytes(_oai_bomb())
    return str(path)


def _stylesheet_doc(env: Env) -> bytes:
    doc = xml_doc("oai-pmh")
    pi = f'<?xml-stylesheet type="text/xsl" href="{env.listener.url}/style.xsl"?>\n'.encode()
    loc = f' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ {env.listener.url}/OAI-PMH.xsd"'.encode()
    doc = doc.replace(b"?>\n", b"?>\n" + pi, 1)
    return doc.replace(b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"', b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"' + loc, 1)


def _good_broken_good(env: Env) -> bytes:
    doc = xml_doc("oai-pmh")
    return doc.replace(b"<dc:title>Title 2</dc:title>", b"<dc:title>Title 2</dc:titel>", 1)


# --------------------------------------------------------------------------------------------
# HTML: the silent-loss and decoding traps of reliability.md §2, on a real page of each format

HTML_PAGES: dict[str, str] = {
    "eprints-html": "eprints/summary-open.html",
    "dspace-html": "dspace/dspace7-open.html",
    "figshare-html": "figshare/utas_open_page.html",
    "meta-tags": "meta-tags/ojs-article.html",
}


def _detected(path: Path) -> str | None:
    try:
        ranked = recordparse.detect(path.read_bytes(), registry=_REGISTRY)
    except recordparse.RecordParseError:
        return None
    return ranked[0].name


def _fixture(preferred: str, fmt: str, pattern: str) -> Path:
    """``fixtures/preferred``, or (fixtures change) another file of that folder in ``fmt``."""
    path = FIXTURES / preferred
    if path.is_file():
        return path
    for other in sorted(path.parent.glob(pattern)):
        if _detected(other) == fmt:
            return other
    raise FileNotFoundError(f"no {fmt} fixture in {path.parent}")


@functools.cache
def page(fmt: str) -> bytes:
    return _fixture(HTML_PAGES[fmt], fmt, "*.htm*").read_bytes()


def _inject_after_body(data: bytes, extra: bytes) -> bytes:
    at = data.lower().find(b"<body")
    at = data.index(b">", at) + 1 if at >= 0 else 0
    return data[:at] + extra + data[at:]


def _inject_in_head(data: bytes, extra: bytes) -> bytes:
    at = data.lower().find(b"</head>")
    return data[:at] + extra + data[at:]


def _html_attacks(fmt: str) -> list[Case]:
    return [
        Case(
            f"{fmt}-deep-nesting-3000",
            "html",
            lambda env: _inject_after_body(page(fmt), b"<div>" * 3000),
            fmt,
            flagged("content may be lost"),
        ),
        Case(
            f"{fmt}-deep-nesting-100k-closed",
            "html",
            lambda env: _inject_after_body(page(fmt), b"<div>" * 100_000 + b"</div>" * 100_000),
            fmt,
            flagged("content may be lost"),
        ),
        Case(
            f"{fmt}-no-fetch-of-links",
            "html",
            lambda env: _inject_in_head(
                page(fmt),
                (
                    f'<base href="{env.listener.url}/"><link rel="stylesheet" href="{env.listener.url}/s.css">'
                    f'<meta http-equiv="refresh" content="0;url={env.listener.url}/r">'
                    f'<script src="{env.listener.url}/x.js"></script>'
                ).encode(),
            ).replace(b"</body>", f'<img src="{env.listener.url}/i.png"><iframe src="{env.canary.url}"></iframe></body>'.encode()),
            fmt,
            records(1),
        ),
        Case(
            f"{fmt}-doctype-internal-subset-entity",
            "html",
            lambda env: f'<!DOCTYPE html [<!ENTITY ee SYSTEM "{env.canary.url}">]>\n'.encode()
            + page(fmt).split(b">", 1)[1].replace(b"</body>", b"<p>&ee;</p></body>"),
            fmt,
            records(1),
        ),
        Case(
            f"{fmt}-nul-in-text-and-tag",
            "html",
            lambda env: page(fmt).replace(b"</body>", b"<p>a\x00b</p><d\x00iv>c</div></body>"),
            fmt,
            records(1),
        ),
        Case(
            f"{fmt}-gzip-compressed-page",
            "html",
            lambda env: gzip.compress(page(fmt)),
            None,
            all_of(records(1), _format_is(fmt)),
        ),
    ]


def _format_is(fmt: str) -> Expect:
    def check(report: Report, env: Env) -> None:
        assert all(r["format"] == fmt for r in report.records), [r["format"] for r in report.records]

    return check


_TITLE = "Caf\u00e9 \u2013 \u201cquoted\u201d \u20ac"


def _meta_page(charset: str | None, encoding: str, bom: bytes = b"") -> bytes:
    meta = f'<meta charset="{charset}">' if charset else ""
    text = (
        f"<html><head>{meta}<title>{_TITLE}</title>"
        f'<meta name="citation_title" content="{_TITLE}">'
        '<meta name="citation_author" content="Müller, Jürgen">'
        '<meta name="citation_publication_date" content="2021">'
        '<meta name="DC.rights" content="info:eu-repo/semantics/openAccess">'
        f"</head><body><h1>{_TITLE}</h1></body></html>"
    )
    return bom + text.encode(encoding)


def _html_singles() -> list[Case]:
    mt = "meta-tags"
    good_title = field_is("title", _TITLE)
    return [
        Case("html-no-meta-utf8", "html", lambda env: _meta_page(None, "utf-8"), mt, good_title),
        Case("html-no-meta-cp1252", "html", lambda env: _meta_page(None, "cp1252"), mt, good_title),
        Case("html-meta-utf8-body-utf8", "html", lambda env: _meta_page("utf-8", "utf-8"), mt, good_title),
        Case("html-meta-latin1-body-utf8", "html", lambda env: _meta_page("iso-8859-1", "utf-8"), mt, all_of(good_title, flagged("utf-8"))),
        Case("html-meta-utf8-body-cp1252", "html", lambda env: _meta_page("utf-8", "cp1252"), mt, all_of(good_title, flagged("1252"))),
        Case("html-meta-bogus-charset", "html", lambda env: _meta_page("x-no-such-charset", "utf-8"), mt, good_title),
        Case("html-bom-beats-meta", "html", lambda env: _meta_page("iso-8859-1", "utf-8", b"\xef\xbb\xbf"), mt, good_title),
        Case("html-utf16le-bom", "html", lambda env: _meta_page(None, "utf-16-le", b"\xff\xfe"), mt, good_title),
        Case("html-meta-after-3000-bytes", "html", lambda env: _meta_page(None, "cp1252").replace(b"<head>", b"<head><!--" + b"x" * 3000 + b'--><meta charset="windows-1252">'), mt, good_title),
        Case(
            "html-text-node-12mb",
            "html",
            lambda env: _meta_page("utf-8", "utf-8").replace(b"</body>", b"<pre>" + b"z" * (12 * MB) + b"</pre><p>AFTER</p></body>"),
            mt,
            records(1),
            max_growth_mb=600,
            memory_mb=1536,
        ),
        Case("html-empty-page", "html", lambda env: b"   \n", mt, failed()),
        Case("html-xml-declaration-only", "html", lambda env: b'<?xml version="1.0"?>', mt, failed()),
        Case(
            "html-json-ld-deep-nesting",
            "html",
            lambda env: _meta_page("utf-8", "utf-8").replace(b"</head>", b'<script type="application/ld+json">' + b"[" * 100_000 + b"</script></head>"),
            mt,
            all_of(records(1), flagged("json")),
        ),
        Case(
            "html-json-ld-huge-integer",
            "html",
            lambda env: b'<html><head><script type="application/ld+json">{"@type":"ScholarlyArticle","name":"T","position":18446744073709551617}</script></head><body></body></html>',
            mt,
            outcomes(1),
        ),
    ]


# --------------------------------------------------------------------------------------------
# JSON and text formats

JSON_DIRS: dict[str, str] = {
    "zenodo-json": "zenodo",
    "hyrax-json": "hyrax",
    "vufind-solr-json": "vufind-solr",
    "doaj-json": "doaj-json",
    "figshare-api": "figshare",
}


def _one_record(line: bytes, fmt: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = list(recordparse.read(line + b"\n", fmt, errors="collect", registry=_REGISTRY))
    return len(out) == 1 and isinstance(out[0], recordparse.Record)


@functools.cache
def lines_of(fmt: str) -> tuple[bytes, ...]:
    """Up to four records of ``fmt`` as JSON Lines, from the fixtures of its folder (single
    records and JSON Lines files alike), each known to read as one Record."""
    found: list[bytes] = []
    for path in sorted((FIXTURES / JSON_DIRS[fmt]).glob("*.json*")):
        data = path.read_bytes()
        try:
            values = [json.loads(data)] if path.suffix == ".json" else [json.loads(x) for x in data.splitlines() if x.strip()]
        except ValueError:
            continue
        for value in values:
            line = json.dumps(value, ensure_ascii=False).encode("utf-8")
            if isinstance(value, dict) and line not in found and _one_record(line, fmt):
                found.append(line)
    return tuple(found[:4])


TEXT_DUMPS: dict[str, str] = {
    "eprints-simple": "eprints/simple-3.txt",
    "eprints-text": "eprints/enlighten-pages.txt",
    "dspace-text": "dspace/full-item-records.txt",
    "figshare-text": "figshare/utas_multipage.txt",
    "vufind-text": "vufind-text/dump-mixed.txt",
}



def _json_attacks(fmt: str) -> list[Case]:
    def joined(lines: Iterable[bytes]) -> bytes:
        return b"\n".join(lines) + b"\n"

    n = len(lines_of(fmt))
    return [
        Case(
            f"{fmt}-corrupt-line-counted",
            "json",
            lambda env: joined([lines_of(fmt)[0][:-5] + b"]]]", *lines_of(fmt)[1:]]),
            fmt,
            all_of(outcomes(n), records(n - 1), numbered_in_order),
        ),
        Case(
            f"{fmt}-line-deleted",
            "json",
            lambda env: joined(lines_of(fmt)[1:]),
            fmt,
            all_of(outcomes(n - 1), records(n - 1), no_failure),
        ),
        Case(
            f"{fmt}-truncated-last-line",
            "json",
            lambda env: joined(lines_of(fmt))[:-40],
            fmt,
            all_of(outcomes(n), records(n - 1), numbered_in_order),
        ),
        Case(
            f"{fmt}-cp1252-line-among-utf8",
            "json",
            lambda env: joined([lines_of(fmt)[0], _cp1252_in(lines_of(fmt)[1]), *lines_of(fmt)[2:]]),
            fmt,
            all_of(outcomes(n), records(n)),
        ),
        Case(
            f"{fmt}-value-nested-500-deep",
            "json",
            lambda env: _with_field(lines_of(fmt)[0], "x_deep", b"[" * 500 + b"]" * 500),
            fmt,
            all_of(records(1), flagged("too_deep")),
        ),
        Case(
            f"{fmt}-deep-nesting-line",
            "json",
            lambda env: joined([lines_of(fmt)[0], b'{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}", *lines_of(fmt)[1:]]),
            fmt,
            all_of(outcomes(n + 1), records(n), failed("deep")),
        ),
    ]


def _with_field(line: bytes, name: str, value: bytes) -> bytes:
    """A JSON object line with one more top-level field (its value given as raw JSON)."""
    return line.rstrip()[:-1] + b', "' + name.encode() + b'": ' + value + b"}\n"


def _cp1252_in(line: bytes) -> bytes:
    """``line`` with a windows-1252 string added inside its first JSON string value."""
    at = line.index(b'":"') + 3 if b'":"' in line else line.index(b'": "') + 4
    return line[:at] + "caf\u00e9 \u2013 ".encode("cp1252") + line[at:]


def _json_singles() -> list[Case]:
    hyrax = "hyrax-json"
    return [
        Case(
            "json-integer-2-pow-64-kept-exactly",
            "json",
            lambda env: b'{"id": 18446744073709551616, "title": ["Big"], "size": 18446744073709551617}\n',
            "zenodo-json",
            outcomes(1),
        ),
        Case(
            "json-big-integers-in-extra",
            "json",
            lambda env: b'{"id":"w1","title":["T"],"file_size":18446744073709551617,"neg":-9223372036854775809}\n',
            hyrax,
            all_of(records(1), text_present("18446744073709551617", "-9223372036854775809")),
        ),
        Case("json-5000-digit-integer", "json", lambda env: b'{"id":"w1","title":["T"],"n":' + b"9" * 5000 + b"}\n", hyrax, outcomes(1)),
        Case("json-nan-and-infinity-stay-text", "json", lambda env: b'{"id":"w1","title":["T"],"a":NaN,"b":-Infinity,"c":1e999}\n', hyrax, all_of(records(1), text_present('"NaN"', '"-Infinity"', '"1e999"'))),
        Case("json-duplicate-keys", "json", lambda env: b'{"id":"w1","title":["A"],"title":["B"]}\n', hyrax, records(1)),
        Case("json-lone-surrogate", "json", lambda env: b'{"id":"w1\\ud800","title":["T\\udfff"]}\n', hyrax, all_of(records(1), flagged("surrogate"))),
        Case("json-invalid-utf8", "json", lambda env: b'{"id":"w1","title":["caf\xe9"]}\n', hyrax, all_of(records(1), text_present("caf\u00e9"))),
        Case("json-utf8-bom", "json", lambda env: b'\xef\xbb\xbf{"id":"w1","title":["T"]}\n{"id":"w2","title":["U"]}\n', hyrax, records(2)),
        Case("json-utf16-bom", "json", lambda env: b"\xff\xfe" + '{"id":"w1","title":["Ω"]}\n'.encode("utf-16-le"), hyrax, all_of(records(1), field_is("title", "Ω"))),
        Case("json-top-level-scalar", "json", lambda env: b"3", "doaj-json", failed()),
        Case("json-top-level-null", "json", lambda env: b"null", "zenodo-json", failed()),
        Case("json-empty-array", "json", lambda env: b"[]", "doaj-json", outcomes(0)),
        Case("json-empty-file", "json", lambda env: b"", "doaj-json", outcomes(0)),
        Case("json-comment", "json", lambda env: b'// dump\n{"id":"w1","title":["T"]}\n', hyrax, failed()),
        Case("json-solr-docs-not-array", "json", lambda env: b'{"response":{"numFound":1,"docs":{"id":"1"}}}', "vufind-solr-json", outcomes(0)),
        Case("json-array-truncated", "json", lambda env: b'[{"id":"w1","title":["A"]},\n{"id":"w2","title":["B"]},\n{"id":"w3","ti', hyrax, all_of(records(2), failed("unterminated"), numbered_in_order)),
        Case(
            "json-line-over-limit",
            "json",
            lambda env: b'{"id":"w1","title":["A"]}\n{"id":"w2","title":["' + b"x" * (2 * MB) + b'"]}\n{"id":"w3","title":["C"]}\n',
            hyrax,
            all_of(records(2), failed("longer than")),  # w1 and w3: the long line costs only itself
            limits=Limits(max_line=1 * MB),
        ),
        Case("json-array-item-over-limit", "json", lambda env: b'[{"id":"w1","title":["' + b"x" * (3 * MB) + b'"]}]', hyrax, failed("larger than"), limits=Limits(max_record=1 * MB)),
        Case("json-10mb-string", "json", lambda env: b'{"id":"w1","title":["T"],"abstract":["' + b"a" * (10 * MB) + b'"]}\n', hyrax, records(1)),
    ]


@functools.cache
def text_dump(fmt: str) -> bytes:
    return _fixture(TEXT_DUMPS[fmt], fmt, "*.txt").read_bytes()


def _text_attacks(fmt: str) -> list[Case]:
    return [
        Case(f"{fmt}-truncated-half", "text", lambda env: text_dump(fmt)[: len(text_dump(fmt)) // 2], fmt, numbered_in_order),
        Case(f"{fmt}-bare-cr-line-ends", "text", lambda env: text_dump(fmt).replace(b"\r\n", b"\n").replace(b"\n", b"\r"), fmt),
        Case(f"{fmt}-nul-bytes", "text", lambda env: text_dump(fmt).replace(b"\n", b"\x00\n", 3), fmt, numbered_in_order),
        Case(f"{fmt}-cp1252-line", "text", lambda env: text_dump(fmt).replace(b"\n", " caf\u00e9 \u2013\n".encode("cp1252"), 1), fmt, numbered_in_order),
        Case(f"{fmt}-utf16-bom", "text", lambda env: b"\xff\xfe" + text_dump(fmt).decode("utf-8", "replace").encode("utf-16-le"), fmt, numbered_in_order),
        Case(f"{fmt}-60000-blank-lines", "text", lambda env: b"\n" * 30_000 + text_dump(fmt) + b" \n" * 30_000, fmt, numbered_in_order, timeout=5),
        Case(
            f"{fmt}-line-over-limit",
            "text",
            lambda env: text_dump(fmt).replace(b"\n", b" " + b"w" * (2 * MB) + b"\n", 1),
            fmt,
            failed("longer than"),
            limits=Limits(max_line=1 * MB),
        ),
    ]


# --------------------------------------------------------------------------------------------
# Archives and compression


def _zip(members: Iterable[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def _tar(members: Iterable[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w:gz") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as archive:  # type: ignore[call-overload]
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return out.getvalue()


def _tar_special(name: str, kind: bytes, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


def jsonl(n: int) -> bytes:
    return b"".join(b'{"id":"w%d","title":["Work %d"]}\n' % (i, i) for i in range(1, n + 1))


def _corrupt_crc(data: bytes) -> bytes:
    return data[:-8] + bytes([data[-8] ^ 0xFF]) + data[-7:]


def _archive_cases() -> list[Case]:
    hyrax = "hyrax-json"
    twelve = jsonl(12)
    return [
        Case("archive-multi-member-gzip", "archive", lambda env: gzip.compress(jsonl(2)) + gzip.compress(jsonl(3)[len(jsonl(2)) :]), hyrax, records(3)),
        Case("archive-gzip-trailing-garbage", "archive", lambda env: gzip.compress(twelve) + b"garbage!", hyrax, all_of(records(12), failed("gzip"))),
        Case("archive-gzip-truncated", "archive", lambda env: gzip.compress(jsonl(2000))[:-400], hyrax, all_of(failed("compressed", "not read"), numbered_in_order)),
        Case("archive-gzip-crc-corrupt", "archive", lambda env: _corrupt_crc(gzip.compress(twelve)), hyrax, all_of(failed("crc", "not read"), _crc_names_affected)),
        Case("archive-gzip-of-nothing", "archive", lambda env: gzip.compress(b""), None, failed("empty input")),
        Case("archive-bz2-truncated", "archive", lambda env: bz2.compress(jsonl(2000))[:-100], hyrax, failed("compressed")),
        Case("archive-xz-truncated", "archive", lambda env: lzma.compress(jsonl(2000))[:-100], hyrax, failed("compressed")),
        Case("archive-bz2-bomb", "archive", lambda env: _bz2_bomb(), hyrax, all_of(records(1), failed("compression ratio")), timeout=30),
        Case("archive-zip-bomb-member", "archive", lambda env: _zip_bomb(), hyrax, all_of(records(1), failed("compression ratio")), timeout=20),
        Case(
            "archive-zip-path-traversal-names",
            "archive",
            lambda env: _zip([("../../evil.jsonl", jsonl(1)), ("/etc/passwd.jsonl", jsonl(1)), ("C:\\win\\x.jsonl", jsonl(1))]),
            hyrax,
            all_of(records(3), _nothing_written, text_present("../../evil.jsonl")),
        ),
        Case("archive-zip-control-chars-in-name", "archive", lambda env: _zip([("a\nb\r\x1b[31mred.jsonl", b"not json\n")]), hyrax, all_of(failed(), _one_line_everywhere)),
        Case("archive-zip-10k-members", "archive", lambda env: _zip((f"m{i:05d}.jsonl", jsonl(1)) for i in range(10_000)), hyrax, records(10_000), timeout=30),
        Case("archive-zip-absurd-declared-size", "archive", lambda env: _absurd_zip_size(jsonl(2)), hyrax, records(2)),
        Case("archive-zip-corrupt-member-crc", "archive", lambda env: _zip([("a.jsonl", jsonl(3))], zipfile.ZIP_STORED).replace(b"Work 2", b"Wark 2"), hyrax, failed("crc", "damaged")),
        Case("archive-zip-encrypted-flag", "archive", lambda env: _encrypted_zip(jsonl(1)), hyrax, failed("zip")),
        Case("archive-zip-unknown-compression", "archive", lambda env: _unknown_method_zip(jsonl(1)), hyrax, failed("compression")),
        Case("archive-zip-truncated", "archive", lambda env: _zip([("a.jsonl", jsonl(50))])[:-30], hyrax, failed("zip")),
        Case(
            "archive-tar-links-devices-fifos-skipped",
            "archive",
            lambda env: _tar(
                [
                    _tar_special("etc-passwd.jsonl", tarfile.SYMTYPE, "/etc/passwd"),
                    _tar_special("secret.jsonl", tarfile.SYMTYPE, str(env.canary.path)),
                    _tar_special("hard.jsonl", tarfile.LNKTYPE, str(env.canary.path)),
                    _tar_special("dev.jsonl", tarfile.CHRTYPE),
                    _tar_special("fifo.jsonl", tarfile.FIFOTYPE),
                    ("real.jsonl", jsonl(2)),
                ]
            ),
            hyrax,
            all_of(records(2), no_failure),
        ),
        Case("archive-tar-traversal-names", "archive", lambda env: _tar([("../../x.jsonl", jsonl(1)), ("/abs.jsonl", jsonl(1))]), hyrax, all_of(records(2), _nothing_written)),
        Case("archive-tar-truncated", "archive", lambda env: _tar([("a.jsonl", jsonl(500))], "w")[:5000], hyrax, all_of(failed(), numbered_in_order)),
        Case("archive-tar-gz-truncated", "archive", lambda env: _tar([("a.jsonl", jsonl(3000)), ("b.jsonl", jsonl(3))])[:-500], hyrax, failed()),
        Case("archive-tar-absurd-member-size", "archive", lambda env: _absurd_tar_size(), hyrax, failed()),
        Case("archive-nested-five-deep", "archive", lambda env: gzip.compress(gzip.compress(gzip.compress(gzip.compress(gzip.compress(jsonl(1)))))), hyrax, failed("nested")),
        Case("archive-zip-in-tar-in-gzip", "archive", lambda env: _tar([("inner.zip", _zip([("w.jsonl", jsonl(2))]))]), hyrax, all_of(records(2), _source_chain("inner.zip!w.jsonl"))),
        Case("archive-gzip-named-json-holding-zip", "archive", _mislabelled, hyrax, records(2)),
        Case("archive-zstd-magic", "archive", lambda env: b"\x28\xb5\x2f\xfd" + b"\x00" * 64, None, failed("zstd")),
    ]


def _crc_names_affected(report: Report, env: Env) -> None:
    """The CRC failure says which records came from the damaged member."""
    message = report.failures[-1]["message"]
    assert "record" in message.lower(), message


def _nothing_written(report: Report, env: Env) -> None:
    leftovers = [p.name for p in env.directory.rglob("*") if p.name.endswith(".jsonl")]
    assert leftovers == [], leftovers
    assert not (env.directory.parent / "evil.jsonl").exists()


def _one_line_everywhere(report: Report, env: Env) -> None:
    for failure in report.failures:
        assert "\n" not in failure["message"] and "\r" not in failure["message"] and "\x1b" not in failure["message"], failure["message"]


def _source_chain(suffix: str) -> Expect:
    def check(report: Report, env: Env) -> None:
        sources = [r["position"]["source"] for r in report.records]
        assert sources and all(s.endswith(suffix) for s in sources), sources

    return check


def _bz2_bomb() -> bytes:
    """One JSON line, then 64 MiB of blank lines, in bz2 (a few hundred bytes)."""
    compressor = bz2.BZ2Compressor(9)
    parts = [compressor.compress(jsonl(1))]
    blank = b"\n" * MB
    parts += [compressor.compress(blank) for _ in range(64)]
    return b"".join(parts) + compressor.flush()


def _zip_bomb() -> bytes:
    """A zip member of one JSON line and 200 MiB of blank lines (about 200 KB compressed). A
    zip member's ratio is measured against its whole compressed size, so reading stops after
    ``max_ratio`` times that (40 MiB here), still far from the 200 MiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("bomb.jsonl", "w") as member:
        member.write(jsonl(1))
        blank = (b" " * 1023 + b"\n") * 1024
        for _ in range(200):
            member.write(blank)
    return out.getvalue()


def _unknown_method_zip(data: bytes) -> bytes:
    """A zip whose member claims compression method 99 (AES, which zipfile cannot read)."""
    raw = bytearray(_zip([("a.jsonl", data)], zipfile.ZIP_STORED))
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = raw.find(signature)
        raw[at + method_at : at + method_at + 2] = struct.pack("<H", 99)
    return bytes(raw)


def _absurd_zip_size(data: bytes) -> bytes:
    """A zip whose local and central headers claim the member is 4 GiB uncompressed."""
    raw = _zip([("a.jsonl", data)], zipfile.ZIP_STORED)
    size = struct.pack("<I", len(data))
    return raw.replace(size + size, size + b"\xff\xff\xff\xfe")


def _zip_version(data: bytes, version: int) -> bytes:
    """A zip whose central directory says its member needs zip version ``version / 10``."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    raw[at + 6] = version
    return bytes(raw)


def _encrypted_zip(data: bytes) -> bytes:
    raw = bytearray(_zip([("a.jsonl", data)], zipfile.ZIP_STORED))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        raw[at + flag_at] |= 1
    return bytes(raw)


def _absurd_tar_size() -> bytes:
    info = tarfile.TarInfo("huge.jsonl")
    info.size = 8 * 1024**3
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    return gzip.compress(header + jsonl(3))


def _mislabelled(env: Env) -> str:
    path = env.directory / "records.json"
    path.write_bytes(gzip.compress(_zip([("w.jsonl", jsonl(2))])))
    return str(path)


# --------------------------------------------------------------------------------------------
# Regressions: inputs the fuzzers found (each was a crash or a broken promise, now fixed)


def _cut_at_chunk(before: bytes, after: bytes) -> bytes:
    """Two JSON documents in an array, the second cut by the stream's 1 MiB read boundary
    exactly between ``before`` and ``after`` (a number or an escape in two halves)."""
    head = b'[{"id":"w1","title":["T"],"pad":"'
    second = b'"},\n{"id":"w2","title":["U"],' + before
    pad = (1 << 20) - len(head) - len(second)
    return head + b"x" * pad + second + after + b"}]"


def _regressions() -> list[Case]:
    es_page = (
        b'{"hits": {"total": 2, "hits": [\n'
        b'   {\n    "_id": "a1",\n    "_source": {"id": "a1", "bibjson": {"title": "First", "journal": {"title": "J"}}}\n   },\n'
        b"   {\n    \"_id\": \"a2\",\n    \"_source\": {\n     \"id\": \"a2\",\n     \"bibjson\": {\n      \"title\": \"Second\",\n"
        b'      "link": [\n       {\n        "url": "http://x.org"\n       }\n      ],\n'
        b'      "keywords": [\n   <dc:rights>    "motor learning"\n      ]\n     }\n    }\n   }\n  ]\n }\n}\n'
    )
    oai = "oai-pmh"
    envelope = _oai_bomb_head() + b"<resumptionToken>" * 60_000 + b"</ListRecords></OAI-PMH>"
    return [
        Case("regression-json-resync-numbers-never-go-back", "regression", lambda env: es_page, "doaj-json", all_of(records(1), numbered_in_order)),
        Case("regression-xml-nul-error-is-one-line", "regression", lambda env: xml_doc(oai, title="a\x00b", n=1), oai, all_of(failed("invalid char"), _one_line_everywhere)),
        Case("regression-json-odd-length-utf16-guess", "regression", lambda env: b"{" + b"\x00" * 54 + b'"id": "2r36tx83d"}\n', "hyrax-json", failed()),
        Case("regression-json-lone-surrogate-in-export", "regression", lambda env: b'{"id":"x\\ud800","title":["t\\udfff"],"doi":"zz\\udc00"}\n', "hyrax-json", all_of(records(1), flagged("surrogate"), text_absent("\\ud800"))),
        Case(
            "regression-oai-error-after-records-numbered-after-them",
            "regression",
            lambda env: xml_doc(oai).replace(b"</ListRecords>", b'</ListRecords><error code="badArgument">mutated page</error>'),
            oai,
            all_of(records(3), failed("badArgument"), numbered_in_order),
        ),
        Case("regression-json-number-cut-by-chunk-boundary", "regression", lambda env: _cut_at_chunk(b'"score": 4.', b'117'), "hyrax-json", all_of(records(2), no_failure)),
        Case("regression-json-escape-cut-by-chunk-boundary", "regression", lambda env: _cut_at_chunk(b'"note": "caf\\u00', b'e9"'), "hyrax-json", all_of(records(2), no_failure, text_present("caf\u00e9"))),
        Case(
            "regression-json-one-stray-byte-no-mojibake",
            "regression",
            lambda env: b'[{"id":"w1","title":["caf\xe9"]}, {"id":"w2","title":["Hallstr\xc3\xb6m"]}]',
            "hyrax-json",
            all_of(records(2), text_present("caf\u00e9", "Hallstr\u00f6m"), text_absent("\u00c3")),
        ),
        Case(
            "regression-zip-bytes-erased-negative-seek",
            "regression",
            lambda env: (lambda z: z[:200] + z[230:])(_zip([("a.jsonl", jsonl(20)), ("b.jsonl", jsonl(20))])),
            "hyrax-json",
            failed("cannot open zip member"),
        ),
        Case(
            "regression-oai-invalid-doi-identifier-then-another",
            "regression",
            lambda env: xml_doc(oai, n=1).replace(
                b"<dc:identifier>https://doi.org/10.1234/rec.1</dc:identifier>",
                b"<dc:identifier>doi:10.1234/)</dc:identifier><dc:identifier>https://x.org/1</dc:identifier>",
            ),
            oai,
            all_of(records(1), flagged("invalid_doi"), text_present("https://x.org/1")),
        ),
        Case(
            "regression-dspace-bitstream-link-with-broken-ipv6-host",
            "regression",
            lambda env: page("dspace-html").replace(
                b"</body>", b'<table><tr><td><a href="http://[::1/bitstream/123/4/f.pdf?isAllowed=n">f.pdf</a></td></tr></table></body>'
            ),
            "dspace-html",
            records(1),
        ),
        Case(
            "regression-zip-directory-asks-for-zip-version-19",
            "regression",
            lambda env: _zip_version(_zip([("a.jsonl", jsonl(1))]), 192),
            "hyrax-json",
            failed("corrupt zip archive", "version"),
        ),
        Case(
            "regression-sniffers-quadratic-on-blank-lines",
            "regression",
            lambda env: b"\n" * 60_000 + b"x",
            None,
            failed("no format recognised"),
            timeout=5,
        ),
        Case(
            "regression-figshare-countdown-quadratic-on-digits",
            "regression",
            lambda env: text_dump("figshare-text").replace(b"\n", b"\n" + b"4" * 30_000 + b"\n", 1),
            "figshare-text",
            numbered_in_order,
            timeout=5,
        ),
        Case(
            "regression-figshare-countdown-quadratic-on-units",
            "regression",
            lambda env: text_dump("figshare-text").replace(b"\n", b"\n" + b"1 year " * 4_285 + b"\n", 1),
            "figshare-text",
            numbered_in_order,
            timeout=5,
        ),
        Case(
            "regression-zip-member-with-an-empty-name",
            "regression",
            lambda env: _zip([("", b"junk"), ("a.jsonl", jsonl(2))]),
            "hyrax-json",
            all_of(records(2), no_failure),
        ),
        Case(
            "regression-doaj-month-superscript-digit",
            "regression",
            lambda env: b'{"id":"x1","bibjson":{"title":"T","year":"2021","month":"\xc2\xb2","journal":{"title":"J"}}}',
            "doaj-json",
            all_of(records(1), field_is("date_published", "2021")),
        ),
        Case("regression-oai-envelope-quadratic-regex", "regression", lambda env: envelope, oai, records(1), timeout=5),
        Case(
            "regression-xml-unclosed-comment-unbounded",
            "regression",
            lambda env: _oai_bomb_head() + b"<!--" + b"c" * (9 * MB),
            oai,
            failed("comment"),
            limits=Limits(max_record=2 * MB),
            max_growth_mb=80,
        ),
    ]


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for fmt in XML_TEMPLATES:
        cases += _xml_attacks(fmt)
    cases += _xml_singles()
    for fmt in HTML_PAGES:
        cases += _html_attacks(fmt)
    cases += _html_singles()
    for fmt in JSON_DIRS:
        if len(lines_of(fmt)) >= 3:
            cases += _json_attacks(fmt)
    cases += _json_singles()
    for fmt in TEXT_DUMPS:
        cases += _text_attacks(fmt)
    cases += _archive_cases()
    cases += _regressions()
    return cases
