"""RecordBuilder: one place for normalisation, lone-surrogate scrubbing and kept values."""

from __future__ import annotations

from recordparse.builder import RecordBuilder


def test_lone_surrogates_are_replaced_and_flagged_by_default() -> None:
    builder = RecordBuilder("toy")
    builder.set("title", "Caf\ud800 au lait")
    builder.keep("note", ["ok", "bad \udfff"])
    record = builder.build()
    assert record.title == "Caf\ufffd au lait"
    assert record.extra["note"] == ["ok", "bad \ufffd"]
    assert [f["code"] for f in record.flags] == ["invalid_unicode"]
    record.title.encode("utf-8")  # every export can write it


def test_a_source_without_surrogates_builds_the_same_record_without_the_scan() -> None:
    def build(may_hold: bool) -> object:
        builder = RecordBuilder("toy", may_hold_surrogates=may_hold)
        builder.set("title", "Ünïcode  title\n")
        builder.add_person("Doe, Jane", affiliations=["Uni Zürich"])
        builder.keep("note", {"a": ["b", "ç"]})
        return builder.build()

    assert build(False) == build(True)


def test_kept_lists_of_strings_and_deep_values() -> None:
    builder = RecordBuilder("toy")
    builder.keep("series", ["A", "B"])
    deep: object = "leaf"
    for _ in range(150):
        deep = [deep]
    builder.keep("deep", deep)
    record = builder.build()
    assert record.extra["series"] == ["A", "B"]
    assert record.extra["deep"].startswith("(left out")
    assert any(f["code"] == "too_deep" for f in record.flags)
