"""`jobrunner plan` as CI runs it: the real CLI on temporary git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.gitrepo import GIT_ENV, GitRepo
from tests.integration.cli import json_stdout, run_cli

PERIOD = """kind: TimePeriod
name: office
timezone: Europe/Berlin
ranges:
{ranges}"""
MONDAY = '"09:00-17:00"'


def job(name: str, interval: str = "15m", extra: str = "", argv: str = "[/bin/true]") -> str:
    """A Job document."""
    return (
        f"kind: Job\nname: {name}\ntype: command\ninterval: {interval}\n{extra}"
        f"settings: {{argv: {argv}}}\n"
    )


def plan(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `jobrunner plan` in `repo` with no state file."""
    return run_cli("plan", *args, cwd=repo, state_file=repo.parent / "no-state.json", env=env)


def plan_json(repo: Path, *args: str) -> dict[str, Any]:
    """`plan --format json` parsed; it must exit 0."""
    done = plan(repo, "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json_stdout(done)
    return document


def two_commits(repo: GitRepo, base: dict[str, str], head: dict[str, str]) -> tuple[str, str]:
    """Commit `base` files on main, then `head` files (replacing them) on a branch."""
    for path, text in base.items():
        repo.write(path, text)
    first = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    for path in base:
        (repo.path / path).unlink()
    for path, text in head.items():
        repo.write(path, text)
    return first, repo.commit("head")


def clone(source: Path, target: Path, *args: str) -> Path:
    """`git clone ARGS file://source target`."""
    subprocess.run(
        ["git", "clone", "-q", *args, f"file://{source}", str(target)],
        check=True,
        capture_output=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin", "HOME": str(target.parent)},
    )
    return target


def test_renames_changes_and_removals_in_text_and_json(git_repo: GitRepo) -> None:
    """A renamed_from rename, an implicit rename, a change and a removal are all reported."""
    base, _head = two_commits(
        git_repo,
        {"jobs.d/a.yaml": job("cmdb-sync") + "---\n" + job("report", "1d", argv="[/bin/echo]")
         + "---\n" + job("gone", "1h")},
        {"jobs.d/a.yaml": job("cmdb-import", "5m", "renamed_from: [cmdb-sync]\n")
         + "---\n" + job("daily-report", "1d", argv="[/bin/echo]")},
    )  # fmt: skip
    done = plan(git_repo.path, "--jobs-dir", "jobs.d", "--base", "main")
    assert done.returncode == 0, done.stderr
    assert f"jobrunner plan: {base[:7]} (main) -> " in done.stdout
    assert "~ cmdb-sync -> cmdb-import  (renamed_from: its state moves over)" in done.stdout
    assert "      interval 15m -> 5m" in done.stdout
    assert "add `renamed_from: [report]` to keep its state" in done.stdout
    assert "  - gone  (was every 1h)" in done.stdout
    data = plan_json(git_repo.path, "--jobs-dir", "jobs.d", "--base", "main")
    renamed = {(r["from"], r["to"], r["renamed_from"]) for r in data["jobs"]["renamed"]}
    assert renamed == {("cmdb-sync", "cmdb-import", True), ("report", "daily-report", False)}
    assert [j["name"] for j in data["jobs"]["removed"]] == ["gone"]
    starting = [(s["name"], s["reason"]) for s in data["starting"]]
    assert starting == [("daily-report", "renamed without renamed_from")]
    assert data["valid"] is True
    assert data["base"]["commit"] == base


def test_period_change_reports_hours_gained_and_lost(git_repo: GitRepo) -> None:
    """Longer Mondays and no more Tuesdays: 4h gained and 2h lost over two weeks."""
    two_commits(
        git_repo,
        {"jobs.d/p.yaml": PERIOD.format(ranges=f"  monday: {MONDAY}\n  tuesday: 10:00-11:00\n"),
         "jobs.d/j.yaml": job("office-job", extra="timeperiod: office\n")},
        {"jobs.d/p.yaml": PERIOD.format(ranges='  monday: "09:00-19:00"\n'),
         "jobs.d/j.yaml": job("office-job", extra="timeperiod: office\n")},
    )  # fmt: skip
    data = plan_json(git_repo.path, "--jobs-dir", "jobs.d", "--base", "main")
    (change,) = data["timeperiods"]["changed"]
    assert change["name"] == "office"
    assert change["timezone"] == "Europe/Berlin"
    assert change["gained_seconds"] == 4 * 3600
    assert change["lost_seconds"] == 2 * 3600
    assert change["summary"] == "+4h / -2h"
    assert change["jobs"] == ["office-job"]
    assert [c["text"] for c in change["changes"]] == [
        "monday: 09:00-17:00 -> 09:00-19:00",
        "tuesday: 10:00-11:00 removed",
    ]
    assert all(s["start"].endswith(("+01:00", "+02:00")) for s in change["gained"])
    text = plan(git_repo.path, "--jobs-dir", "jobs.d", "--base", "main").stdout
    assert "  * office (Europe/Berlin), used by office-job" in text
    assert "      next 14 days: 4h gained, 2h lost" in text


def test_head_that_does_not_lint_exits_1_with_locations(git_repo: GitRepo) -> None:
    """Every head error is listed with file:line:col relative to the repository; exit 1."""
    two_commits(
        git_repo,
        {"ops/jobs.d/a.yaml": job("a")},
        {"ops/jobs.d/a.yaml": job("a", "soon") + "---\n" + job("b", extra="timeperiod: nope\n")},
    )
    done = plan(git_repo.path, "--jobs-dir", "ops/jobs.d", "--base", "main")
    assert done.returncode == 1, done.stderr
    assert "Head revision does NOT lint: 2 error(s)" in done.stdout
    assert "  ops/jobs.d/a.yaml:4:11: error[duration]: " in done.stdout
    assert "  ops/jobs.d/a.yaml:11:13: error[unknown-timeperiod]" in done.stdout
    markdown = plan(
        git_repo.path, "--jobs-dir", "ops/jobs.d", "--base", "main", "--format", "markdown"
    )
    assert markdown.returncode == 1
    assert markdown.stdout.startswith("<!-- jobrunner-plan -->\n### jobrunner plan\n")
    assert "| `ops/jobs.d/a.yaml:4:11` | `duration` |" in markdown.stdout


def test_shallow_clone_says_how_to_fetch_history(git_repo: GitRepo, tmp_path: Path) -> None:
    """In a depth-1 clone the base is missing: exit 2 and name `git fetch --unshallow`."""
    base, _head = two_commits(
        git_repo, {"jobs.d/a.yaml": job("a")}, {"jobs.d/a.yaml": job("a", "5m")}
    )
    shallow = clone(git_repo.path, tmp_path / "shallow", "--depth", "1", "--branch", "feature")
    done = plan(shallow, "--jobs-dir", "jobs.d", "--base", base)
    assert done.returncode == 2
    assert "shallow clone" in done.stderr
    assert "git fetch --unshallow" in done.stderr
    assert "fetch-depth: 0" in done.stderr
    github = plan(shallow, "--jobs-dir", "jobs.d", env={"GITHUB_BASE_REF": "main"})
    assert github.returncode == 2
    assert "git fetch --unshallow" in github.stderr


def test_shallow_clone_parent_of_head_is_a_usage_error(git_repo: GitRepo, tmp_path: Path) -> None:
    """`--base HEAD~1` in a depth-1 clone names a commit whose object is missing: exit 2 with
    the fetch hint, not a traceback; an unknown GITHUB_BASE_REF names the branch to fetch."""
    two_commits(git_repo, {"jobs.d/a.yaml": job("a")}, {"jobs.d/a.yaml": job("a", "5m")})
    shallow = clone(git_repo.path, tmp_path / "shallow", "--depth", "1", "--branch", "feature")
    parent = plan(shallow, "--jobs-dir", "jobs.d", "--base", "HEAD~1")
    assert parent.returncode == 2, parent.stderr
    assert "Traceback" not in parent.stderr
    assert "base revision 'HEAD~1' is not in this shallow clone" in parent.stderr
    assert "git fetch --unshallow" in parent.stderr
    work = clone(git_repo.path, tmp_path / "work")
    unknown = plan(work, "--jobs-dir", "jobs.d", env={"GITHUB_BASE_REF": "no-such-branch"})
    assert unknown.returncode == 2
    assert "(`git fetch origin no-such-branch`)" in unknown.stderr


def test_base_defaults_to_merge_bases_from_ci_variables(git_repo: GitRepo, tmp_path: Path) -> None:
    """GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA and origin/HEAD pick the base."""
    base, _head = two_commits(
        git_repo, {"jobs.d/a.yaml": job("a")}, {"jobs.d/a.yaml": job("a", "5m")}
    )
    git_repo.git("checkout", "-q", "main")
    git_repo.write("jobs.d/later.yaml", job("later"))
    git_repo.commit("main moves on")
    work = clone(git_repo.path, tmp_path / "work")
    subprocess.run(["git", "-C", str(work), "checkout", "-q", "feature"], check=True)
    github = plan(work, "--jobs-dir", "jobs.d", "--format", "json", env={"GITHUB_BASE_REF": "main"})
    data = json_stdout(github)
    assert (data["base"]["label"], data["base"]["commit"]) == ("merge base with origin/main", base)
    assert [c["name"] for c in data["jobs"]["changed"]] == ["a"]
    assert data["jobs"]["removed"] == []  # `later` came to main after the branch: not ours
    gitlab = plan(work, "--jobs-dir", "jobs.d", "--format", "json",
                  env={"CI_MERGE_REQUEST_DIFF_BASE_SHA": base})  # fmt: skip
    assert json_stdout(gitlab)["base"]["commit"] == base
    default = plan(work, "--jobs-dir", "jobs.d", "--format", "json")
    assert json_stdout(default)["base"]["label"] == "merge base with origin/HEAD"
    assert json_stdout(default)["base"]["commit"] == base


def test_usage_errors_exit_2(git_repo: GitRepo, tmp_path: Path) -> None:
    """An unknown revision, no origin/HEAD, and a directory outside git are usage errors."""
    two_commits(git_repo, {"jobs.d/a.yaml": job("a")}, {"jobs.d/a.yaml": job("a", "5m")})
    unknown = plan(git_repo.path, "--jobs-dir", "jobs.d", "--base", "no-such-branch")
    assert unknown.returncode == 2
    assert "unknown base revision 'no-such-branch'" in unknown.stderr
    no_origin = plan(git_repo.path, "--jobs-dir", "jobs.d")
    assert no_origin.returncode == 2
    assert "pass --base REV" in no_origin.stderr
    typo = plan(git_repo.path, "--jobs-dir", "jobs", "--base", "main")
    assert typo.returncode == 2, typo.stdout  # was "no changes, lints clean", exit 0
    assert "definitions directory jobs exists at neither main" in typo.stderr
    outside = tmp_path / "plain"
    (outside / "jobs.d").mkdir(parents=True)
    not_git = plan(outside, "--jobs-dir", "jobs.d", "--base", "main")
    assert not_git.returncode == 2
    assert "is not in a git work tree" in not_git.stderr


def test_new_definitions_directory_and_state_file(git_repo: GitRepo, tmp_path: Path) -> None:
    """A directory absent at the base makes every job new; a state makes changed jobs due."""
    git_repo.write("README", "x\n")
    base = git_repo.commit("no jobs yet")
    git_repo.write("jobs.d/a.yaml", job("a", "1h"))
    middle = git_repo.commit("jobs")
    data = plan_json(git_repo.path, "--jobs-dir", "jobs.d", "--base", base, "--head", middle)
    assert [j["name"] for j in data["jobs"]["added"]] == ["a"]
    git_repo.write("jobs.d/a.yaml", job("a", "5m"))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 1, "jobs": {"a": {
        "first_seen": "2020-01-01T00:00:00.000Z", "last_attempt": _minutes_ago(git_repo, 10),
    }}}))  # fmt: skip
    head = git_repo.commit("every 5m")
    done = run_cli("plan", "--jobs-dir", "jobs.d", "--base", middle, "--head", head,
                   "--format", "json", cwd=git_repo.path, state_file=state)  # fmt: skip
    data = json_stdout(done)
    assert data["state_file"] == str(state)
    assert [(s["name"], s["reason"], s["why"]) for s in data["starting"]] == [
        ("a", "newly due", "interval 1h -> 5m")
    ]


def _minutes_ago(repo: GitRepo, minutes: int) -> str:
    """An instant `minutes` before the latest commit's time, in the state's format."""
    seconds = int(repo.git("log", "-1", "--format=%ct")) - minutes * 60
    stamp = subprocess.run(
        ["date", "-u", "-d", f"@{seconds}", "+%Y-%m-%dT%H:%M:%S.000Z"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return stamp.stdout.strip()


def test_ci_examples_fetch_history_and_post_the_markdown() -> None:
    """The contrib/ci plan examples are valid YAML, fetch full history and post markdown."""
    from ruamel.yaml import YAML

    contrib = Path(__file__).resolve().parents[2] / "contrib" / "ci"
    github = YAML(typ="safe").load((contrib / "github-actions-plan.yml").read_text())
    steps = github["jobs"]["plan"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert "plan --format markdown > plan.md" in steps[3]["run"]
    assert steps[4]["uses"].startswith("marocchino/sticky-pull-request-comment@")
    gitlab = YAML(typ="safe").load((contrib / "gitlab-ci-plan.yml").read_text())
    job = gitlab["jobrunner-plan"]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert "plan --format markdown > plan.md" in job["script"][0]
    assert "/merge_requests/$CI_MERGE_REQUEST_IID/notes" in job["script"][0]
