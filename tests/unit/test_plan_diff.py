"""`compute_plan` on in-memory definitions with a fixed `now` (no git, no clock)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.definitions import LoadResult, load_from_files
from runner.jobtypes import default_registry
from runner.plan import PlanDiff, compute_plan
from runner.planner import JobTiming

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, 11:00 in Berlin
HOURS = timedelta(hours=1)
PERIOD = """kind: TimePeriod
name: business-hours
timezone: Europe/Berlin
ranges:
  monday - friday: "{hours}"
"""


def job(name: str, interval: str = "15m", extra: str = "", argv: str = "[/bin/true]") -> str:
    """A Job document."""
    return (
        f"kind: Job\nname: {name}\ntype: command\ninterval: {interval}\n"
        f"settings: {{argv: {argv}}}\n{extra}"
    )


def load(files: Mapping[str, str]) -> LoadResult:
    """Load text files as a tree rooted at /defs, zone UTC, built-in types only."""
    data = {path: text.encode() for path, text in files.items()}
    registry = default_registry(with_plugins=False)
    return load_from_files(data, root=Path("/defs"), timezone="UTC", registry=registry)


def plan(
    base: Mapping[str, str],
    head: Mapping[str, str],
    state: Mapping[str, JobTiming] | None = None,
) -> PlanDiff:
    """The plan from `base` to `head` at NOW."""
    old, new = load(base), load(head)
    return compute_plan(old.definitions, new.definitions, new.diagnostics, now=NOW, state=state)


def test_added_and_removed_jobs_are_listed_with_file_and_schedule() -> None:
    """A job only in head is added, one only in base removed; unchanged jobs are not listed."""
    result = plan(
        {"a.yaml": job("keep"), "b.yaml": job("gone", "1h")},
        {"a.yaml": job("keep"), "c.yaml": job("fresh", "5m")},
    )
    assert [(j.name, j.file, j.line, j.schedule) for j in result.added] == [
        ("fresh", "c.yaml", 1, "every 5m")
    ]
    assert [j.name for j in result.removed] == ["gone"]
    assert result.changed == []
    assert result.renamed == []


def test_changed_fields_are_described_in_words() -> None:
    """Interval, period, timeout and argv changes read as sentences, most telling first."""
    period = PERIOD.format(hours="09:00-17:00")
    result = plan(
        {"p.yaml": period, "a.yaml": job("sync")},
        {
            "p.yaml": period,
            "a.yaml": job("sync", "5m", "timeperiod: business-hours\ntimeout: 2m\n", "[/bin/x]"),
        },
    )
    (change,) = result.changed
    assert change.name == "sync"
    assert [c.text for c in change.changes] == [
        "interval 15m -> 5m",
        "now runs only in business-hours",
        "timeout default -> 2m",
        'argv ["/bin/true"] -> ["/bin/x"]',
    ]


def test_env_values_are_never_shown() -> None:
    """An env change names the variable but neither value (they may be secrets)."""
    result = plan(
        {"a.yaml": job("sync", extra="")},
        {
            "a.yaml": job("sync").replace(
                "argv: [/bin/true]", "argv: [/bin/true], env: {TOKEN: s3cret}"
            )
        },
    )
    (change,) = result.changed
    assert [(c.field, c.before, c.after, c.text) for c in change.changes] == [
        ("settings.env.TOKEN", None, None, "env TOKEN added")
    ]


def test_renamed_from_is_an_explicit_rename_that_keeps_the_state() -> None:
    """`renamed_from` pairs the new name with the vanished one; it is not newly started."""
    state = {"old": JobTiming(first_seen=NOW - HOURS, last_attempt=NOW - timedelta(minutes=5))}
    result = plan(
        {"a.yaml": job("old")},
        {"a.yaml": job("new", extra="renamed_from: [old]\n")},
        state,
    )
    (rename,) = result.renamed
    assert (rename.old, rename.new, rename.explicit) == ("old", "new", True)
    assert result.added == []
    assert result.removed == []
    assert result.starting == []


def test_same_settings_under_a_new_name_is_an_implicit_rename_that_starts() -> None:
    """Identical settings under a new name count as renamed, and start as a new job."""
    state = {"old": JobTiming(first_seen=NOW - HOURS, last_attempt=NOW - timedelta(minutes=5))}
    result = plan({"a.yaml": job("old")}, {"b.yaml": job("new")}, state)
    (rename,) = result.renamed
    assert (rename.old, rename.new, rename.explicit) == ("old", "new", False)
    assert [c.text for c in rename.changes] == ["moved from a.yaml to b.yaml"]
    assert [(s.name, s.reason) for s in result.starting] == [
        ("new", "renamed without renamed_from")
    ]


def test_shorter_interval_makes_a_job_newly_due() -> None:
    """A job last run 7 minutes ago becomes due when its interval drops from 15m to 5m."""
    state = {
        "sync": JobTiming(first_seen=NOW - HOURS, last_attempt=NOW - timedelta(minutes=7)),
        "other": JobTiming(first_seen=NOW - HOURS, last_attempt=NOW - timedelta(minutes=7)),
    }
    result = plan(
        {"a.yaml": job("sync") + "---\n" + job("other")},
        {"a.yaml": job("sync", "5m") + "---\n" + job("other", "10m")},
        state,
    )
    assert [(s.name, s.reason, s.why) for s in result.starting] == [
        ("sync", "newly due", "interval 15m -> 5m")
    ]
    assert result.starting[0].due_at == NOW - timedelta(minutes=2)


def test_without_state_new_jobs_start_and_jobs_due_anyway_are_not_listed() -> None:
    """With no state every job counts as never run: only new ones are listed as starting."""
    result = plan({"a.yaml": job("a")}, {"a.yaml": job("a", "5m"), "b.yaml": job("b")})
    assert [(s.name, s.reason) for s in result.starting] == [("b", "new")]


def test_new_job_in_a_closed_period_does_not_start_but_shows_its_first_due_time() -> None:
    """A new job whose period is closed now waits; its first due time is the next opening."""
    period = PERIOD.format(hours="18:00-19:00")
    result = plan(
        {"p.yaml": period},
        {"p.yaml": period, "a.yaml": job("late", extra="timeperiod: business-hours\n")},
    )
    assert result.starting == []
    (added,) = result.added
    assert added.next_due == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert added.next_due_zone == "Europe/Berlin"


def test_period_change_counts_hours_gained_and_lost_over_14_days() -> None:
    """09:00-17:00 -> 08:00-16:00 on weekdays gains and loses 10 hours over two weeks."""
    result = plan(
        {
            "p.yaml": PERIOD.format(hours="09:00-17:00"),
            "a.yaml": job("a", extra="timeperiod: business-hours\n"),
        },
        {
            "p.yaml": PERIOD.format(hours="08:00-16:00"),
            "a.yaml": job("a", extra="timeperiod: business-hours\n"),
        },
    )
    (change,) = result.periods_changed
    assert change.name == "business-hours"
    assert change.timezone == "Europe/Berlin"
    assert [c.text for c in change.changes] == ["monday - friday: 09:00-17:00 -> 08:00-16:00"]
    assert change.gained_time == 10 * HOURS
    assert change.lost_time == 10 * HOURS
    assert change.jobs == ("a",)
    first = change.gained[0]
    assert (first.start.isoformat(), first.end.isoformat()) == (
        "2026-11-23T08:00:00+01:00",
        "2026-11-23T09:00:00+01:00",
    )


def test_period_zone_change_is_counted_on_instants() -> None:
    """Moving a period from Berlin to UTC shifts every stretch by an hour: gained and lost."""
    old = PERIOD.format(hours="09:00-17:00")
    result = plan({"p.yaml": old}, {"p.yaml": old.replace("Europe/Berlin", "UTC")})
    (change,) = result.periods_changed
    assert [c.text for c in change.changes] == ["timezone Europe/Berlin -> UTC"]
    assert change.gained_time == 10 * HOURS
    assert change.lost_time == 10 * HOURS


def test_period_changed_through_an_include_is_reported() -> None:
    """A period whose included period changed changes too, though its own text did not."""
    extra = "kind: TimePeriod\nname: extra\ntimezone: UTC\nranges: {{saturday: '{hours}'}}\n"
    outer = "kind: TimePeriod\nname: outer\ntimezone: UTC\nranges: {}\nincludes: [extra]\n"
    result = plan(
        {"e.yaml": extra.format(hours="10:00-12:00"), "o.yaml": outer},
        {"e.yaml": extra.format(hours="10:00-13:00"), "o.yaml": outer},
    )
    assert [(c.name, c.gained_time, c.lost_time) for c in result.periods_changed] == [
        ("extra", 2 * HOURS, timedelta()),
        ("outer", 2 * HOURS, timedelta()),
    ]
    assert result.periods_changed[1].changes[0].text == "changed through extra"


def test_head_errors_are_listed_and_the_valid_part_is_still_compared() -> None:
    """Head lint errors are collected with their location; valid jobs are still diffed."""
    result = plan(
        {"a.yaml": job("a")},
        {"a.yaml": job("a", "5m"), "bad.yaml": job("bad", "soon")},
    )
    assert not result.is_valid
    assert [(d.file, d.line, d.code) for d in result.errors] == [("bad.yaml", 4, "duration")]
    assert [c.name for c in result.changed] == ["a"]


def test_defaults_changes_are_listed() -> None:
    """A new default timeout is reported for the tree."""
    defaults = "kind: Defaults\ntimezone: UTC\n"
    result = plan({"d.yaml": defaults}, {"d.yaml": defaults + "timeout: 30m\n"})
    assert [c.text for c in result.defaults] == ["default timeout 1h -> 30m"]
    assert result.has_changes


def test_period_opening_makes_a_job_newly_due_and_says_why() -> None:
    """A job whose period now covers `now` starts, and the reason names the period change."""
    state = {"sync": JobTiming(first_seen=NOW - HOURS, last_attempt=NOW - HOURS)}
    sync = job("sync", extra="timeperiod: business-hours\n")
    result = plan(
        {"p.yaml": PERIOD.format(hours="18:00-19:00"), "a.yaml": sync},
        {"p.yaml": PERIOD.format(hours="09:00-17:00"), "a.yaml": sync},
        state,
    )
    assert result.changed == []
    assert [(s.name, s.reason, s.why) for s in result.starting] == [
        (
            "sync",
            "newly due",
            "time period business-hours changed (interval elapsed, business-hours open)",
        )
    ]
    assert result.starting[0].due_at == NOW - 45 * timedelta(minutes=1)


def test_job_in_a_broken_file_is_not_compared_rather_than_removed() -> None:
    """A job missing at the head because its file has errors there is not called removed."""
    result = plan(
        {"a.yaml": job("sync"), "b.yaml": job("gone")},
        {"a.yaml": job("sync", "soon")},
    )
    assert [j.name for j in result.not_compared] == ["sync"]
    assert [j.name for j in result.removed] == ["gone"]
