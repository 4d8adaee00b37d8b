"""Access wordings, vocabularies and the rules that combine them (recordparse.normalize.access)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse.builder import RecordBuilder
from recordparse.normalize.access import (
    PERMANENT,
    AccessSignal,
    apply_access,
    classify_text,
    decide,
    find_date,
    from_vocabulary,
)


def _read(text: str) -> tuple[str, str | None] | None:
    signal = classify_text(text)
    return None if signal is None else (signal.status, signal.embargo_end)


# ---------------------------------------------------------------------------------------------
# classify_text: English


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("File(s) under permanent embargo", ("embargoed", PERMANENT)),
        ("File(s) under embargo", ("embargoed", None)),
        ("Under embargo", ("embargoed", None)),
        ("Embargoed access", ("embargoed", None)),
        ("This item is under embargo.", ("embargoed", None)),
        ("This item is under embargo.  You do not have sufficient access privileges to read this document.", ("embargoed", None)),
        ("Embargo until 2027-03-01", ("embargoed", "2027-03-01")),
        ("Embargo until 2027", ("embargoed", "2027")),
        ("Embargoed until 31/12/2027", ("embargoed", "2027-12-31")),
        ("File(s) under embargo until March 2027", ("embargoed", "2027-03")),
        ("under embargo until 2026-01-01", ("embargoed", "2026-01-01")),
        ("Embargo end date: 2027", ("embargoed", "2027")),
        ("Embargo: 2027-03-01", ("embargoed", "2027-03-01")),
        ("The files will be made publicly available on January 1, 2027.", ("embargoed", "2027-01-01")),
        ("The record and files will be made publicly available on 1 January 2027.", ("embargoed", "2027-01-01")),
        ("Access is allowed from 2027-05-01", ("embargoed", "2027-05-01")),
        ("Restricted to Repository staff only until 6 February 2027.", ("embargoed", "2027-02-06")),
        ("Restricted to Registered users only until 1 July 2030", ("embargoed", "2030-07-01")),
        ("Restricted to Repository staff only", ("restricted", None)),
        ("Restricted to Registered users only", ("restricted", None)),
        ("Restricted", ("restricted", None)),
        ("• Restricted", ("restricted", None)),
        ("Restricted access", ("restricted", None)),
        ("🔒 Restricted Access", ("restricted", None)),
        ("Full text restricted", ("restricted", None)),
        ("Item availability restricted.", ("restricted", None)),
        ("Restricted bitstream", ("restricted", None)),
        ("This item is restricted", ("restricted", None)),
        ("The file is restricted", ("restricted", None)),
        ("The record is publicly accessible, but files are restricted to users with access.", ("restricted", None)),
        ("The record and files are restricted to users with access.", ("restricted", None)),
        ("Request a copy", ("restricted", None)),
        ("Private", ("restricted", None)),
        ("Confidential", ("restricted", None)),
        ("Full text not available from this repository.", ("metadata_only", None)),
        ("Metadata only", ("metadata_only", None)),
        ("No files are available for this record.", ("metadata_only", None)),
        ("closed access", ("metadata_only", None)),
        ("Open", ("open", None)),
        ("Open Access", ("open", None)),
        ("• Open", ("open", None)),
        ("The record and files are publicly accessible.", ("open", None)),
    ],
)
def test_english_wordings(text: str, expected: tuple[str, str | None]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German
        ("Embargo bis 1. Januar 2027", ("embargoed", "2027-01-01")),
        ("Zugang unter Embargo bis 31.12.2027", ("embargoed", "2027-12-31")),
        ("Zugang unter Embargo", ("embargoed", None)),
        ("Gesperrt", ("embargoed", None)),
        ("Die Dateien werden am 1. März 2027 öffentlich zugänglich gemacht.", ("embargoed", "2027-03-01")),
        ("Eingeschränkt", ("restricted", None)),
        ("Beschränkter Zugang", ("restricted", None)),
        ("Eingeschränkte Datei", ("restricted", None)),
        ("Der Datensatz ist nur für zugriffsberechtigte Benutzer*innen einsehbar.", ("restricted", None)),
        ("Privat", ("restricted", None)),
        ("Nur Metadaten", ("metadata_only", None)),
        ("Reiner Metadateneintrag", ("metadata_only", None)),
        ("Öffentlich", ("open", None)),
        ("Offen", ("open", None)),
        # French
        ("Embargo jusqu'à 1 janvier 2027", ("embargoed", "2027-01-01")),
        ("Embargo jusqu’au 1er février 2027", ("embargoed", "2027-02-01")),
        ("Restriction temporaire", ("embargoed", None)),
        ("Les fichiers seront rendus publics sur 1 janvier 2027", ("embargoed", "2027-01-01")),
        ("Restreint", ("restricted", None)),
        ("Bitstream restreint", ("restricted", None)),
        ("Les fichiers sont limités aux utilisateurs ayant accès.", ("restricted", None)),
        ("Privé", ("restricted", None)),
        ("Métadonnées seulement", ("metadata_only", None)),
        ("Métadonnées uniquement", ("metadata_only", None)),
        ("Accès libre", ("open", None)),
        ("Ouvrir", ("open", None)),  # InvenioRDM's mistranslated "Open" status label
        # Spanish
        ("Embargo hasta el 1 de enero de 2027", ("embargoed", "2027-01-01")),
        ("Acceso embargado hasta el 5 de mayo de 2028", ("embargoed", "2028-05-05")),
        ("Embargado", ("embargoed", None)),
        ("Los archivos se pondrán a disposición del público el 1 de enero de 2027", ("embargoed", "2027-01-01")),
        ("Acceso restringido", ("restricted", None)),
        ("Archivo restringido", ("restricted", None)),
        ("Los archivos están restringidos a usuarios con permiso.", ("restricted", None)),
        ("Privado", ("restricted", None)),
        ("Solo metadatos", ("metadata_only", None)),
        ("Acceso solo a metadatos", ("metadata_only", None)),
        ("Acceso abierto", ("open", None)),
        # Portuguese
        ("Embargo até 1 de janeiro de 2027", ("embargoed", "2027-01-01")),
        ("Acesso embargado", ("embargoed", None)),
        ("Acesso restrito", ("restricted", None)),
        ("Restrito", ("restricted", None)),
        ("Ficheiro restrito", ("restricted", None)),
        ("Bitstream restrito", ("restricted", None)),
        ("Somente metadados", ("metadata_only", None)),
        ("Apenas metadados", ("metadata_only", None)),
        ("Acesso aberto", ("open", None)),
        # Italian
        ("Embargo fino al 1 gennaio 2027", ("embargoed", "2027-01-01")),
        ("Embargo", ("embargoed", None)),
        ("Limitato", ("restricted", None)),
        ("Privato", ("restricted", None)),
        ("Solo metadata", ("metadata_only", None)),
        ("Pubblico", ("open", None)),
        # Dutch
        ("Embargo tot 1 januari 2027", ("embargoed", "2027-01-01")),
        ("Onder embargo", ("embargoed", None)),
        ("Beperkte toegang", ("restricted", None)),
        ("Niet openbaar", ("restricted", None)),
        ("Alleen metadata", ("metadata_only", None)),
        ("Gesloten toegang", ("metadata_only", None)),
        ("Open toegang", ("open", None)),
    ],
)
def test_other_languages(text: str, expected: tuple[str, str | None]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Open access publishing in Europe",
        "Restricted diets in elderly mice",
        "The open road: a history",
        "Private equity and public debt",
        "Embargoes on trade in the 1930s",  # "Embargoes" is not the word Embargo
        "Cytokines: Signalling improved immunotherapy?",
        "An open and restricted comparison of metadata only approaches",
        "Publication title",
        "journal contribution",
        "Springer Healthcare",
        "",
        "   ",
        "2027-01-01",
    ],
)
def test_false_positives(text: str) -> None:
    assert classify_text(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Embargo until 2027-13-45",
        "Embargo until further notice",
        "Embargo bis auf Weiteres",
        "File(s) under embargo until sometime",
    ],
)
def test_unreadable_embargo_date_fails_closed(text: str) -> None:
    signal = classify_text(text)
    assert signal is not None
    assert signal.status == "embargoed"
    assert signal.embargo_end is None


def test_evidence_quotes_the_source_words() -> None:
    signal = classify_text("  File(s)   under permanent\nembargo ")
    assert signal == AccessSignal("embargoed", PERMANENT, "File(s) under permanent embargo")
    signal = classify_text("Restricted to Repository staff only until 6 February 2027.")
    assert signal is not None
    assert signal.evidence == "Restricted to Repository staff only until 6 February 2027"
    signal = classify_text("Repository Status: Restricted")
    assert signal is not None and signal.evidence == "Repository Status: Restricted"


def test_label_prefix_is_allowed_but_not_prose() -> None:
    assert _read("Access: Restricted") == ("restricted", None)
    assert _read("Access rights: open access") == ("open", None)
    assert _read("Status: Embargo until 2028-02-29") == ("embargoed", "2028-02-29")
    assert classify_text("Open Access: a review of the literature") is None


def test_the_most_specific_wording_wins() -> None:
    assert _read("Full text not available from this repository. Request a copy") == ("metadata_only", None)
    assert _read("Open access. File(s) under permanent embargo") == ("embargoed", PERMANENT)


def test_find_date() -> None:
    assert find_date("lifts on 6 February 2027, 00:10 UTC") == ("2027-02-06", 9, 24)
    assert find_date("set apart, then 2027") == ("2027", 16, 20)  # "set" is not a month here
    assert find_date("nothing here") is None


# ---------------------------------------------------------------------------------------------
# from_vocabulary


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # COAR URIs and labels
        ("http://purl.org/coar/access_right/c_abf2", "open"),
        ("https://purl.org/coar/access_right/c_f1cf/", "embargoed"),
        ("http://purl.org/coar/access_right/c_16ec", "restricted"),
        ("http://purl.org/coar/access_right/c_14cb", "metadata_only"),
        ("open access", "open"),
        ("embargoed access", "embargoed"),
        ("Restricted Access", "restricted"),
        ("metadata only access", "metadata_only"),
        # info:eu-repo
        ("info:eu-repo/semantics/openAccess", "open"),
        ("info:eu-repo/semantics/embargoedAccess", "embargoed"),
        ("info:eu-repo/semantics/restrictedAccess", "restricted"),
        ("info:eu-repo/semantics/closedAccess", "metadata_only"),
        # DSpace 7 accessStatus
        ("open.access", "open"),
        ("embargo", "embargoed"),
        ("restricted", "restricted"),
        ("metadata.only", "metadata_only"),
        ("unknown", "unknown"),
        # Zenodo legacy access_right
        ("open", "open"),
        ("embargoed", "embargoed"),
        ("closed", "metadata_only"),
        # InvenioRDM access.status
        ("metadata-only", "metadata_only"),
        # Hyrax visibility
        ("authenticated", "restricted"),
        ("lease", "open"),
        # EPrints full_text_status and document security
        ("public", "open"),
        ("none", "metadata_only"),
        ("validuser", "restricted"),
        ("staffonly", "restricted"),
    ],
)
def test_vocabularies(value: str, expected: str) -> None:
    signal = from_vocabulary(value)
    assert signal is not None
    assert signal.status == expected
    assert signal.embargo_end is None


def test_vocabulary_dates() -> None:
    assert from_vocabulary("embargoed", date="2027-01-01") == AccessSignal(
        "embargoed", "2027-01-01", "embargoed (date: 2027-01-01)"
    )
    assert from_vocabulary("info:eu-repo/date/embargoEnd/2131-01-01") == AccessSignal(
        "embargoed", "2131-01-01", "info:eu-repo/date/embargoEnd/2131-01-01"
    )
    # Figshare's '0' and a far-future 9999 date mean a permanent embargo
    assert from_vocabulary("embargoed", date="0", field="embargo_date") == AccessSignal(
        "embargoed", PERMANENT, "embargo_date=embargoed (date: 0)"
    )
    signal = from_vocabulary("info:eu-repo/semantics/embargoedAccess", date="9999-12-31")
    assert signal is not None and signal.embargo_end == PERMANENT
    # an unreadable date keeps the embargo (fail closed) without an end
    signal = from_vocabulary("embargo", date="soon")
    assert signal is not None and (signal.status, signal.embargo_end) == ("embargoed", None)
    # a date beside a non-embargo status is not an embargo end
    signal = from_vocabulary("open", date="2020-01-01")
    assert signal is not None and signal.embargo_end is None


def test_vocabulary_schemes() -> None:
    assert from_vocabulary("internal") is None
    signal = from_vocabulary("internal", scheme="eprints-security", field="security")
    assert signal == AccessSignal("restricted", None, "security=internal")
    assert from_vocabulary("public", scheme="eprints-security") == AccessSignal("open", None, "public")
    assert from_vocabulary("open.access", scheme="zenodo") is None
    assert from_vocabulary("closed", scheme="zenodo") == AccessSignal("metadata_only", None, "closed")
    assert from_vocabulary("http://purl.org/coar/access_right/c_abf2", scheme="coar") is not None
    with pytest.raises(ValueError, match="unknown access scheme"):
        from_vocabulary("open", scheme="nope")


@pytest.mark.parametrize("value", ["", "  ", "Bay of Panama", "c_zzzz", "info:eu-repo/semantics/other"])
def test_unknown_vocabulary_values(value: str) -> None:
    assert from_vocabulary(value) is None


# ---------------------------------------------------------------------------------------------
# decide

OPEN = AccessSignal("open", None, "Repository Status: Open")
RESTRICTED = AccessSignal("restricted", None, "Repository Status: Restricted")
PERM = AccessSignal("embargoed", PERMANENT, "File(s) under permanent embargo")
DATED = AccessSignal("embargoed", "2027-02-06", "until 6 February 2027")
DATED_LATER = AccessSignal("embargoed", "2028", "embargo_date=2028")
UNDATED = AccessSignal("embargoed", None, "File(s) under embargo")
META = AccessSignal("metadata_only", None, "is_metadata_record=True")
UNKNOWN = AccessSignal("unknown", None, "accessStatus=unknown")


def test_decide_seed_case_permanent_embargo_and_restricted() -> None:
    access, conflicts = decide([PERM, RESTRICTED])
    assert (access.status, access.embargo_end) == ("restricted", PERMANENT)
    assert access.evidence == ("File(s) under permanent embargo", "Repository Status: Restricted")
    assert conflicts == []


def test_decide_rules() -> None:
    assert decide([])[0].status == "unknown"
    assert decide([UNKNOWN])[0].status == "unknown"
    assert decide([UNKNOWN])[0].evidence == ("accessStatus=unknown",)
    assert decide([OPEN])[0].status == "open"
    assert decide([META])[0].status == "metadata_only"
    dated, conflicts = decide([RESTRICTED, DATED])
    assert (dated.status, dated.embargo_end, conflicts) == ("embargoed", "2027-02-06", [])
    restricted_dated = AccessSignal("restricted", "2027-02-06", "x")
    assert decide([restricted_dated])[0].status == "embargoed"
    assert decide([UNDATED, META])[0].status == "embargoed"
    assert decide([UNDATED])[0].embargo_end is None
    assert decide([RESTRICTED, META])[0].status == "restricted"
    # a past date stays an embargo: the validator judges it against today
    past = AccessSignal("embargoed", "2001-01-01", "embargoEnd/2001-01-01")
    assert decide([past])[0].embargo_end == "2001-01-01"


def test_decide_reports_conflicts() -> None:
    access, conflicts = decide([OPEN, PERM, RESTRICTED])
    assert (access.status, access.embargo_end) == ("restricted", PERMANENT)
    assert set(conflicts) == {OPEN, PERM, RESTRICTED}
    access, conflicts = decide([OPEN, DATED])
    assert (access.status, access.embargo_end) == ("embargoed", "2027-02-06")
    assert set(conflicts) == {OPEN, DATED}
    access, conflicts = decide([DATED, DATED_LATER])
    assert access.embargo_end == "2028"  # the later end: fail closed
    assert set(conflicts) == {DATED, DATED_LATER}
    access, conflicts = decide([PERM, DATED])
    assert access.embargo_end == PERMANENT
    assert set(conflicts) == {PERM, DATED}


def test_apply_access_sets_the_builder_and_flags() -> None:
    builder = RecordBuilder("test")
    apply_access(builder, [OPEN, PERM])
    record = builder.build()
    assert (record.access.status, record.access.embargo_end) == ("restricted", PERMANENT)
    assert [f["code"] for f in record.flags] == ["access_conflict"]
    assert record.flags[0]["evidence"] == ["Repository Status: Open", "File(s) under permanent embargo"]


# ---------------------------------------------------------------------------------------------
# properties

_SIGNALS = st.builds(
    AccessSignal,
    st.sampled_from(["open", "embargoed", "restricted", "metadata_only", "unknown"]),
    st.one_of(st.none(), st.just(PERMANENT), st.sampled_from(["2027", "2027-02", "2027-02-06", "2001-01-01"])),
    st.text(max_size=20),
)


@given(st.text(max_size=300))
def test_classify_text_never_raises(text: str) -> None:
    signal = classify_text(text)
    assert signal is None or signal.status in ("open", "embargoed", "restricted", "metadata_only")


@given(st.lists(st.sampled_from(["Embargo ", "until ", "bis ", "1. ", "Januar ", "2027", "Restricted ", "Open", "•", ":", "de ", "."]), max_size=12))
def test_classify_text_on_access_like_text(words: list[str]) -> None:
    signal = classify_text("".join(words))
    assert signal is None or signal.status != "open" or "Open" in words


@given(st.lists(_SIGNALS, max_size=5))
def test_decide_is_order_independent(signals: list[AccessSignal]) -> None:
    first, conflicts = decide(signals)
    for perm in itertools.islice(itertools.permutations(signals), 24):
        other, other_conflicts = decide(list(perm))
        assert (other.status, other.embargo_end) == (first.status, first.embargo_end)
        assert set(other_conflicts) == set(conflicts)
    if any(s.status != "unknown" for s in signals):
        assert first.status != "unknown"
    if any(s.status != "open" and s.status != "unknown" for s in signals):
        assert first.status != "open"  # fail closed


def test_translated_repository_wordings_for_missing_full_text_and_copy_requests() -> None:
    from recordparse.normalize.access import classify_text

    for text in ("Volltext nicht verfügbar", "Texte intégral non disponible", "Texto completo no disponible",
                 "Texto completo não disponível", "Testo completo non disponibile", "Volledige tekst niet beschikbaar"):
        signal = classify_text(text)
        assert signal is not None and signal.status == "metadata_only", text
    for text in ("Kopie anfordern", "Demander une copie", "Solicitar una copia", "Richiedi una copia", "Kopie aanvragen"):
        signal = classify_text(text)
        assert signal is not None and signal.status == "restricted", text
