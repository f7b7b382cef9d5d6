"""How the daemon follows its definitions directory as deployments change it: a many-file
`git checkout`, a symlink swap (`current -> releases/N`), a Kubernetes ConfigMap's `..data`
swap, and a start-up with a broken head that falls back to the last clean revision."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.integration.cli import run_cli
from tests.integration.daemonproc import DaemonProcess, event
from tests.integration.test_run_cli import job

FILES = 50


def start(daemons: list[DaemonProcess], jobs_dir: Path, state: Path) -> DaemonProcess:
    """Start a daemon over `jobs_dir` and remember it for teardown."""
    process = DaemonProcess(jobs_dir, state)
    daemons.append(process)
    return process


def test_checkout_of_fifty_files_is_one_reload(
    git_repo: GitRepo, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """`git checkout` of a branch that changes 50 files gives exactly one reload with all 50
    jobs changed: never a half-checked-out set."""
    for number in range(FILES):
        git_repo.write(f"jobs/j{number:02}.yaml", job(f"j{number:02}", 'argv: ["true"]', "1d"))
    git_repo.commit("fifty jobs")
    git_repo.git("checkout", "-q", "-b", "next")
    for number in range(FILES):
        git_repo.write(f"jobs/j{number:02}.yaml", job(f"j{number:02}", 'argv: ["true"]', "2d"))
    target = git_repo.commit("every interval doubled")[:7]
    git_repo.git("checkout", "-q", "main")
    daemon = start(daemons, git_repo.path / "jobs", tmp_path / "state" / "state.json")
    daemon.wait_for(event("job.finished", job=f"j{FILES - 1:02}"))
    git_repo.git("checkout", "-q", "next")
    reloaded = daemon.wait_for(event("definitions.reloaded", revision_after=target))
    assert len(reloaded["changed"]) == FILES
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_for(event("definitions.reloaded", reason="SIGHUP"))
    assert daemon.stop() == 0
    reloads = [
        line
        for line in daemon.read_rest()
        if line.get("event") in {"definitions.reloaded", "reload.refused"}
        and line.get("reason") != "SIGHUP"
    ]
    assert reloads == [reloaded]


def release(root: Path, number: int, command: str) -> Path:
    """A release directory `releases/N` holding one job `j` that runs `command`."""
    directory = root / "releases" / str(number)
    directory.mkdir(parents=True)
    (directory / "j.yaml").write_text(job("j", f'argv: ["sh", "-c", "{command}"]'))
    return directory


def swap_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` atomically, as deployment tools do (`ln -sfn` + rename)."""
    fresh = link.with_name(link.name + ".new")
    fresh.symlink_to(target)
    fresh.rename(link)


def test_symlink_swap_is_followed(tmp_path: Path, daemons: list[DaemonProcess]) -> None:
    """A daemon started on `current -> releases/1` loads releases/2 when the link is swapped."""
    root = tmp_path / "deploy"
    first = release(root, 1, "echo one")
    second = release(root, 2, "echo two")
    current = root / "current"
    current.symlink_to(first)
    daemon = start(daemons, current, tmp_path / "state" / "state.json")
    daemon.wait_for(event("job.finished", job="j"))
    swap_symlink(current, second)
    reloaded = daemon.wait_for(event("definitions.reloaded"))
    assert reloaded["changed"] == ["j"]
    assert daemon.stop() == 0


def configmap(root: Path, version: str, command: str) -> None:
    """Lay out (or update) a volume the way the kubelet projects a ConfigMap: files behind
    `..data -> ..<version>`, top-level symlinks into `..data`, the swap a rename."""
    payload = root / f"..{version}"
    payload.mkdir(parents=True)
    (payload / "j.yaml").write_text(job("j", f'argv: ["sh", "-c", "{command}"]'))
    fresh = root / "..data_tmp"
    fresh.symlink_to(payload.name)
    fresh.rename(root / "..data")
    if not (root / "j.yaml").is_symlink():
        (root / "j.yaml").symlink_to("..data/j.yaml")


def test_configmap_data_swap_is_followed(tmp_path: Path, daemons: list[DaemonProcess]) -> None:
    """The kubelet's `..data` swap (hidden names, symlinked files) triggers a reload."""
    volume = tmp_path / "volume"
    configmap(volume, "2026_11_25_1", "echo one")
    daemon = start(daemons, volume, tmp_path / "state" / "state.json")
    daemon.wait_for(event("job.finished", job="j"))
    configmap(volume, "2026_11_25_2", "echo two")
    reloaded = daemon.wait_for(event("definitions.reloaded"))
    assert reloaded["changed"] == ["j"]
    assert daemon.stop() == 0


def test_broken_head_at_start_runs_the_last_clean_revision(
    git_repo: GitRepo, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """Started on a commit that does not load, the daemon runs the last clean revision read
    from git objects, reports `degraded`, and loads the fix when it is committed."""
    state = tmp_path / "state" / "state.json"
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["true"]'))
    clean = git_repo.commit("job a")
    first = run_cli("--jobs-dir", str(git_repo.path / "jobs"), "run", state_file=state)
    assert first.returncode == 0, first.stderr
    git_repo.write("jobs/b.yaml", "kind: Job\nname: b\ntype: command\ninterval: soon\n")
    git_repo.commit("broken b")
    daemon = start(daemons, git_repo.path / "jobs", state)
    degraded = daemon.wait_for(event("definitions.degraded"))
    assert degraded["running"] == clean[:7]
    report = daemon.report_when(lambda d: d["state"] == "idle")
    assert report["degraded"] is True
    assert report["loaded_revision"] == clean
    assert report["jobs"] == 1
    assert report["reload_errors"][0]["file"] == "b.yaml"
    git_repo.write("jobs/b.yaml", job("b", 'argv: ["true"]'))
    git_repo.commit("fix b")
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.report_when(lambda d: d["degraded"] is False)["jobs"] == 2
    assert daemon.stop() == 0
