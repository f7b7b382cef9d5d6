"""The Director basket import's core: names, YAML text, periods, jobs, findings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from runner.director import BasketError, FindingKind, convert_basket
from runner.director.compat import director_key_problem, director_part_problem
from runner.director.names import slug, unique_names
from runner.director.yamltext import document, scalar

FIXTURE = Path(__file__).parents[1] / "fixtures/director-basket.json"
DIRECTOR = "Icinga\\Module\\Director\\Job\\"


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _period(name: str, ranges: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"object_name": name, "object_type": "object", "ranges": ranges, **extra}


def _job(name: str, cls: str, settings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    base = {"job_name": name, "job_class": DIRECTOR + cls, "run_interval": "900"}
    return {**base, "disabled": "n", "settings": settings, **extra}


def _convert(
    periods: list[dict[str, Any]] | None = None, jobs: list[dict[str, Any]] | None = None
) -> Any:
    basket = {
        "TimePeriod": {p["object_name"]: p for p in periods or []},
        "DirectorJob": {j["job_name"]: j for j in jobs or []},
    }
    return convert_basket(basket, timezone="Europe/Berlin")


def _messages(conversion: Any, kind: FindingKind) -> list[str]:
    return [f.message for f in conversion.findings if f.kind is kind]


def test_slugs_and_unique_names() -> None:
    """Director names become valid names; duplicates get a numbered suffix."""
    assert slug("10: Import x509 Hosts", "job") == "10-import-x509-hosts"
    assert slug("  ***  ", "period") == "period"
    assert slug("Übersicht Geräte", "job") == "ubersicht-gerate"  # was "bersicht-ger-te"
    assert len(slug("x" * 100, "job")) == 63
    assert unique_names(["Nights", "nights", "NIGHTS"], "p") == {
        "Nights": "nights",
        "nights": "nights-2",
        "NIGHTS": "nights-3",
    }


@pytest.mark.parametrize(
    "text",
    ["10", "1.5", "1e3", "yes", "No", "null", "2026-12-24", "0x1F", "", "a: b", "#x", "é", "-1"],
)
def test_scalars_read_back_as_the_same_string(text: str) -> None:
    """Every string is written so that YAML 1.2 reads back exactly that string."""
    assert _load(f"k: {scalar(text)}\n") == {"k": text}


def test_plain_scalars_where_safe() -> None:
    """Names, durations and day keys are written plain, like the examples."""
    assert [scalar(t) for t in ("24x7", "15m", "monday - friday", "cmdb-import")] == [
        "24x7",
        "15m",
        "monday - friday",
        "cmdb-import",
    ]


def test_document_round_trip() -> None:
    """A document with comments, nested mappings and lists loads back as the same data."""
    data = {"kind": "TimePeriod", "ranges": {"2026-12-24": "00:00-24:00"}, "excludes": ["a"]}
    text = document(data, ["from Director"])
    assert text.startswith("# from Director\n")
    assert _load(text) == data


def test_director_reading_of_entries() -> None:
    """Director matched only plain weekdays and same-day ranges it could scan."""
    assert director_key_problem("monday") is None
    assert director_key_problem("Monday") is not None
    assert director_key_problem("monday - friday") is not None
    assert director_part_problem("08:00- 17:00") is None
    assert "could not read" in str(director_part_problem("08:00 -17:00"))
    assert "across midnight" in str(director_part_problem("22:00-06:00"))
    assert "very second" in str(director_part_problem("00:00-00:00"))


def test_period_entries_normalised_and_reported() -> None:
    """Spacing is normalised (note); entries Director never matched are `changed`."""
    conversion = _convert(
        [_period("Office", {"Monday": "08:00 - 18:00", "tuesday": "08:00-12:00, 13:00-17:00"})]
    )
    data = _load(conversion.files["periods/office.yaml"])
    assert data["ranges"] == {"monday": "08:00-18:00", "tuesday": "08:00-12:00,13:00-17:00"}
    assert data["timezone"] == "Europe/Berlin"
    assert data["display_name"] == "Office"
    assert any("'Monday'" in m for m in _messages(conversion, FindingKind.CHANGED))
    assert any("spacing normalised" in m for m in _messages(conversion, FindingKind.NOTE))


def test_unreadable_entry_left_out() -> None:
    """An entry jobrunner cannot read is left out and reported with the fix."""
    conversion = _convert([_period("p", {"monday": "02:00-04:00", "sunday": "00:00-06;08-24"})])
    assert _load(conversion.files["periods/p.yaml"])["ranges"] == {"monday": "02:00-04:00"}
    (skipped,) = _messages(conversion, FindingKind.SKIPPED)
    assert skipped.startswith("left out 'sunday'")
    assert conversion.has_skipped


def test_empty_comma_parts_dropped_as_director_did() -> None:
    """Director dropped empty parts (`00:00-24:00,`) and matched the rest: so does the
    import, with a note, instead of leaving the whole day out."""
    conversion = _convert(
        [_period("p", {"thursday": "00:00-24:00,", "friday": "08:00-12:00, ,13:00-17:00"})]
    )
    data = _load(conversion.files["periods/p.yaml"])
    assert data["ranges"] == {"thursday": "00:00-24:00", "friday": "08:00-12:00,13:00-17:00"}
    assert _messages(conversion, FindingKind.SKIPPED) == []
    notes = _messages(conversion, FindingKind.NOTE)
    assert any("empty `,` parts (Director ignored them too)" in m for m in notes)


def test_left_out_entry_says_what_director_ran() -> None:
    """sscanf read the first range of `09:00-17:00 (office)` and ignored the rest: the
    finding says Director ran 09:00-17:00, so the left-out day is a visible change."""
    conversion = _convert(
        [_period("p", {"tuesday": "09:00-17:00 (office)", "sunday": "00:00-06;08-24"})]
    )
    tuesday, sunday = _messages(conversion, FindingKind.SKIPPED)
    assert tuesday.startswith("left out 'tuesday'")
    assert "Director ran it as '09:00-17:00' (it ignored the rest)" in tuesday
    assert sunday.endswith("Director never matched it either")


def test_intervals_jobrunner_cannot_express_are_skipped() -> None:
    """A run_interval over 100 years would not lint, a missing one is named as missing."""
    conversion = _convert(
        jobs=[
            _job("huge", "HousekeepingJob", {}, run_interval="99999999999"),
            _job("none", "HousekeepingJob", {}, run_interval=None),
            _job("grace", "ConfigJob", {"deploy_when_changed": "y", "grace_period": "9" * 12}),
        ]
    )
    assert conversion.files == {}
    huge, none, grace = _messages(conversion, FindingKind.SKIPPED)
    assert "longer than jobrunner's longest interval, 36525d" in huge
    assert none == "not written: it has no run_interval"
    assert "grace_period '999999999999' is longer than 36525d" in grace


def test_templates_merged_and_not_written() -> None:
    """A template's ranges are merged under the importing period's own; it is not written."""
    template = _period("tpl", {"saturday": "00:00-24:00", "sunday": "10:00-12:00"})
    template["object_type"] = "template"
    conversion = _convert([template, _period("we", {"sunday": "00:00-24:00"}, imports=["tpl"])])
    assert list(conversion.files) == ["periods/we.yaml"]
    ranges = _load(conversion.files["periods/we.yaml"])["ranges"]
    assert ranges == {"saturday": "00:00-24:00", "sunday": "00:00-24:00"}


def test_includes_excludes_and_prefer_includes() -> None:
    """References are renamed; unknown ones dropped; nested composition is `changed`."""
    conversion = _convert(
        [
            _period("Holidays", {"2026-12-24": "00:00-24:00"}, excludes=["Freeze"]),
            _period("Freeze", {"december 22 - 31": "00:00-24:00"}),
            _period("work", {"monday": "09:00-17:00"}, excludes=["Holidays", "gone"]),
            _period("other", {}, includes="work", prefer_includes="n"),
        ]
    )
    work = _load(conversion.files["periods/work.yaml"])
    assert work["excludes"] == ["holidays"]
    assert _load(conversion.files["periods/other.yaml"])["prefer_includes"] is False
    assert "prefer_includes" not in work
    assert any(
        "'gone' is not in the basket" in m for m in _messages(conversion, FindingKind.SKIPPED)
    )
    assert any("looked only at 'Holidays'" in m for m in _messages(conversion, FindingKind.CHANGED))


def test_job_classes_mapped_to_director_settings() -> None:
    """The four Director job classes become `director` jobs with matching settings."""
    conversion = _convert(
        jobs=[
            _job("imp", "ImportJob", {"source": "CMDB", "run_import": "y"}),
            _job("all", "ImportJob", {"source_id": "__ALL__", "run_import": "n"}),
            _job("syn", "SyncJob", {"rule_id": "7", "apply_changes": True}),
            _job("dep", "ConfigJob", {"deploy_when_changed": "y", "grace_period": "600"}),
            _job("ren", "ConfigJob", {"deploy_when_changed": "n", "grace_period": "600"}),
            _job("hk", "HousekeepingJob", {}, disabled="y", run_interval="86400"),
        ]
    )
    settings = {p: _load(t)["settings"] for p, t in conversion.files.items()}
    assert settings == {
        "jobs/imp.yaml": {"action": "import", "source": "CMDB", "run_import": True},
        "jobs/all.yaml": {"action": "import", "all": True, "run_import": False},
        "jobs/syn.yaml": {"action": "sync", "rule_id": 7, "apply_changes": True},
        "jobs/dep.yaml": {"action": "deploy", "grace_period": "10m"},
        "jobs/ren.yaml": {"action": "deploy", "render_only": True},
        "jobs/hk.yaml": {"action": "housekeeping"},
    }
    hk = _load(conversion.files["jobs/hk.yaml"])
    assert (hk["interval"], hk["disabled"], hk["timeout"], hk["type"]) == (
        "1d",
        True,
        "1h",
        "director",
    )
    assert conversion.findings == []


def test_job_timeout_and_period_reference() -> None:
    """The chosen timeout is written; the job's period is referenced by its new name."""
    basket = {
        "TimePeriod": {"Night Shift": _period("Night Shift", {"monday": "01:00-02:00"})},
        "DirectorJob": {"j": _job("j", "HousekeepingJob", {}, timeperiod="Night Shift")},
    }
    conversion = convert_basket(basket, timezone="UTC", timeout=timedelta(minutes=20))
    job = _load(conversion.files["jobs/j.yaml"])
    assert (job["timeperiod"], job["timeout"]) == ("night-shift", "20m")


def test_jobs_that_cannot_be_written() -> None:
    """Other modules' classes and bad intervals are skipped; a missing period disables."""
    conversion = _convert(
        jobs=[
            _job("rep", "X", {}, job_class="Icinga\\Module\\Reporting\\Job\\ReportJob"),
            _job("bad", "HousekeepingJob", {}, run_interval="often"),
            _job("imp", "ImportJob", {}),
            _job("late", "HousekeepingJob", {}, timeperiod="7x24"),
        ]
    )
    assert list(conversion.files) == ["jobs/late.yaml"]
    assert _load(conversion.files["jobs/late.yaml"])["disabled"] is True
    skipped = _messages(conversion, FindingKind.SKIPPED)
    assert len(skipped) == 3
    assert "Reporting" in skipped[0]
    assert "run_interval 'often'" in skipped[1]
    assert "name no source" in skipped[2]
    assert "'7x24' is not in the basket" in _messages(conversion, FindingKind.CHANGED)[0]


@pytest.mark.parametrize(
    "basket", [[], {"Host": {}}, {"TimePeriod": "24x7"}, {"DirectorJob": {"a": 1}}]
)
def test_wrong_shapes_refused(basket: object) -> None:
    """Anything but an object with DirectorJob/TimePeriod sections of objects is refused."""
    with pytest.raises(BasketError):
        convert_basket(basket, timezone="UTC")


def test_sections_as_lists_accepted() -> None:
    """A section written as a list of objects is read by their names."""
    basket = {"TimePeriod": [_period("night", {"monday": "01:00-02:00"})]}
    assert list(convert_basket(basket, timezone="UTC").files) == ["periods/night.yaml"]


def test_job_on_a_period_template_says_it_is_a_template() -> None:
    """A job naming a period template: disabled like a missing period, but the finding
    does not claim the name is missing from the basket."""
    conversion = _convert(
        [_period("tpl", {"monday": "01:00-02:00"}, object_type="template")],
        [_job("j", "HousekeepingJob", {}, timeperiod="tpl")],
    )
    assert _load(conversion.files["jobs/j.yaml"])["disabled"] is True
    (changed,) = _messages(conversion, FindingKind.CHANGED)
    assert "its time period 'tpl' is a template in the basket, not a period" in changed


def test_other_sections_are_noted_unless_empty() -> None:
    """Objects of other sections stay in Director (a note each); an empty section, like the
    fixture's `Datafield: {}`, is not worth a "0 object(s) not imported" line."""
    basket = {"TimePeriod": {}, "DirectorJob": {}, "SyncRule": {"r": {}}, "Datafield": {}}
    conversion = convert_basket(basket, timezone="UTC")
    notes = [(f.entry, f.message) for f in conversion.findings if f.kind is FindingKind.NOTE]
    assert [entry for entry, _ in notes] == ["SyncRule section"]
    assert notes[0][1].startswith("1 object(s) not imported: they stay in Director")


def test_fixture_has_every_kind_of_finding() -> None:
    """The realistic basket gives at least 10 jobs and 5 periods and each kind of finding."""
    conversion = convert_basket(json.loads(FIXTURE.read_text()), timezone="Europe/Berlin")
    assert conversion.jobs >= 10
    assert conversion.timeperiods >= 5
    changed = " ".join(_messages(conversion, FindingKind.CHANGED))
    for expected in ("'Monday'", "across midnight", "'monday - friday'", "'7x24'"):
        assert expected in changed
    assert any("Reporting" in m for m in _messages(conversion, FindingKind.SKIPPED))
