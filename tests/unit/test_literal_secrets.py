"""Lint's `literal-secret` warning: what looks like a secret written into definitions, where it
is reported, and (just as important) the ordinary strings of job definitions it leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.definitions import load_definitions
from runner.definitions.secrets_lint import CODE, entropy, scan_text
from runner.diagnostics import Severity
from runner.lint import lint

REPO = Path(__file__).resolve().parents[2]
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "a private key"),
        ("-----BEGIN RSA PRIVATE KEY-----", "a private key"),
        ("-----BEGIN PRIVATE KEY-----", "a private key"),
        ("aws s3 cp --key AKIAIOSFODNN7EXAMPLE x", "an AWS access key id"),
        ("ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "a GitHub token"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "a GitHub token"),
        ("glpat-abcdefghij0123456789", "a GitLab token"),
        ("xoxb-123456789012-abcdefghijkl", "a Slack token"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe key"),
        ("AIza" + "SyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "a Google API key"),
        (f"curl -H 'Authorization: Bearer {JWT}' https://x", "a JSON Web Token"),
        ("mysql --password=hunter2secret db", "a password or token assignment"),
        ("curl 'https://x/api?api_key=Zq81mMpa'", "a password or token assignment"),
        ('export DB_PASSWORD="hunter2x"; run', "a password or token assignment"),
        ("curl -H 'X-Auth-Token: 8f9a0b1c2d3e' https://x", "a password or token assignment"),
        # `--password VALUE` in a command line (only argv lists were looked at)
        (
            "mysqldump --password hunter2secret app",
            "a literal value after a password or token option",
        ),
        ("cli --api-token 'Zq81mMpa' run", "a literal value after a password or token option"),
        ("rsync rsync://backup:S3cr3tPw@nas/share /srv", "credentials in a URL"),
        ("Bearer abcdef1234567890XYZ", "an Authorization credential"),
        ("--data kT9vQ2mXz7LpW4rB8nY1cF6h", "a long random-looking string"),
    ],
)
def test_secret_shapes_are_found(text: str, what: str) -> None:
    """Each kind of literal secret is recognised and named."""
    found = scan_text(text)
    assert found is not None
    assert found.what == what


@pytest.mark.parametrize(
    "text",
    [
        "bin/cmdb-import",
        "/usr/local/bin/notify --team ops",
        "rsync -a --delete /srv/data/ backup@nas:/backups/",
        "pg_dump --dbname=app --file=/var/backups/app.sql",
        "curl -fsS https://hc-ping.com/${HC_UUID}",
        "https://api.example.com/v1/hosts?limit=100&page=2",
        "git@github.com:example/definitions.git",
        "find /tmp -maxdepth 1 -name 'jobrunner-example-*' -mtime +7 -delete",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "123e4567-e89b-12d3-a456-426614174000",
        "backup --password-file=/etc/backup/password",
        "mysqldump --defaults-extra-file=/etc/mysql/backup.cnf app",
        "export PGPASSFILE=/root/.pgpass",
        'echo "$PASSWORD" | login --stdin',
        "kubectl --token=$(cat /var/run/secrets/token) get pods",
        "password: ${DB_PASSWORD}",
        "token=***",
        "ssh -i /root/.ssh/id_ed25519 backup@host true",
        "ThisIsAVeryLongCamelCaseIdentifierName",
        "registry.example.com/team/image:2026.11.25-build.1234",
        "docker run --rm -e TOKEN postgres:16-alpine",
        "python3 -m app.tasks.cleanup --older-than 30d --dry-run",
        "/opt/backup/bin/rotate-snapshots --keep-daily 7 --keep-weekly 4",
        "who | wc -l",
        "auth=none",
        'git commit --author="Jobrunner Bot <bot@example.com>" -m nightly',
        "login --oauth_provider=github",
        "train --tokenizer=bert-base-uncased",
        'auth="PRIVATE-TOKEN: $JOBRUNNER_PLAN_TOKEN"',
        "curl -u api:token=${TOKEN}x https://example.com",
        "mysqldump --password-file /etc/backup/password app",
        'cli --token "$TOKEN" --auth-method basic --token-ttl 3600s',
    ],
)
def test_ordinary_strings_are_left_alone(text: str) -> None:
    """Paths, URLs, hashes, UUIDs, references and placeholders are not secrets."""
    assert scan_text(text) is None


def test_entropy_of_random_and_plain_text() -> None:
    """Random mixed-case text is above the threshold, repeated or plain text below."""
    assert entropy("kT9vQ2mXz7LpW4rB8nY1cF6h") > 4.0
    assert entropy("aaaaaaaaaaaaaaaaaaaaaaaa") == 0.0
    assert entropy("backup-nightly-database") < 4.0


JOB = """\
kind: Job
name: leak
type: command
interval: 1h
settings:
  shell: "mysql --password=hunter2secret db < /srv/q.sql"
  env:
    DB_PASSWORD: "hunter2x"
    API_TOKEN: "${API_TOKEN}"
    AUTH_TOKEN: "Bearer ${TOKEN}"
    TOKEN_FILE: /run/secrets/token
    TIMEOUT: "30"
    TOKENIZER_MODEL: bert-base-uncased
  cwd: /srv
"""
ARGV_JOB = """\
kind: Job
name: argv
type: command
interval: 1h
settings:
  argv: [mysql, --password, hunter2x, --user, backup, --author, "Bot Smith"]
"""


def test_findings_are_warnings_at_the_secret(tmp_path: Path) -> None:
    """lint reports each literal secret as a warning at file:line:column of the secret itself
    (inside the value), never as an error, and only lint looks (not run)."""
    (tmp_path / "leak.yaml").write_text(JOB)
    (tmp_path / "argv.yaml").write_text(ARGV_JOB)
    report = lint(tmp_path, timezone="UTC")
    found = [d for d in report.diagnostics if d.code == CODE]
    assert report.valid
    assert all(d.severity is Severity.WARNING for d in found)
    assert [(d.file, d.line, d.column) for d in found] == [
        ("argv.yaml", 6, 29),
        ("leak.yaml", 6, 28),
        ("leak.yaml", 8, 18),
    ]
    assert "${NAME}" in (found[0].hint or "")
    assert "${file:PATH}" in (found[0].hint or "")
    assert "literal value for --password" in found[0].message
    assert "literal value for DB_PASSWORD" in found[2].message
    assert not [d for d in load_definitions(tmp_path).diagnostics if d.code == CODE]


def test_hooks_and_defaults_are_checked(tmp_path: Path) -> None:
    """A token in a Defaults hook's argv is reported too."""
    (tmp_path / "defaults.yaml").write_text(
        "kind: Defaults\ntimezone: UTC\non_failure:\n"
        '  argv: [notify, "--token=xoxb-123456789012-abcdefghijkl"]\n'
    )
    found = [d for d in lint(tmp_path).diagnostics if d.code == CODE]
    assert [(d.file, d.line) for d in found] == [("defaults.yaml", 4)]


@pytest.mark.parametrize("tree", ["examples/jobs.d", "examples/director"])
def test_examples_have_no_literal_secrets(tree: str) -> None:
    """The shipped examples stay clean (no false positives on realistic definitions)."""
    root = REPO / tree
    if not any(root.rglob("*.yaml")):
        pytest.fail(f"{tree} has no definitions")
    assert [d for d in lint(root).diagnostics if d.code == CODE] == []
