"""Every error `lint` reports carries a file, a line, a column and a hint (docs/definitions.md),
also for the inputs whose error used to come without them: a schema without a description, a
missing key (the hint named the first missing key, not this one), `argv` and `shell` together,
a control character, an undefined alias and a custom tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.definitions import load_from_files
from runner.diagnostics import Diagnostic

INVALID = Path(__file__).resolve().parents[1] / "examples" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


def errors_of(name: str, text: bytes) -> list[Diagnostic]:
    """The errors of a one-file tree."""
    result = load_from_files({name: text}, root=INVALID, timezone="UTC")
    return [d for d in result.diagnostics if d.is_error]


def test_every_error_of_every_invalid_case_has_a_position_and_a_hint() -> None:
    """Nothing in tests/examples/invalid comes without line, column or hint."""
    assert CASES
    for path in CASES:
        found = errors_of(path.name, path.read_bytes())
        assert found, path.name
        for error in found:
            assert error.file == path.name
            assert error.line, (path.name, error)
            assert error.column, (path.name, error)
            assert error.hint, (path.name, error)


def test_a_missing_key_hint_names_that_key() -> None:
    """Two keys missing: each error's hint adds its own key."""
    found = errors_of("a.yaml", b"kind: Job\nname: x\nsettings: {argv: [x]}\n")
    hints = {d.message.split()[0]: d.hint for d in found if d.code == "missing-key"}
    assert hints["'interval'"].startswith("add `interval:`")
    assert hints["'type'"].startswith("add `type:`")


@pytest.mark.parametrize(
    ("settings", "hint"),
    [
        ("{argv: [x], shell: x}", "keep one of `argv:`, `shell:` and remove the others"),
        ("{}", "add one of `argv:`, `shell:`"),
        ("{argv: [x], env: {A: 1}}", "quote it: '1'"),
        ("{argv: [true]}", "quote it: 'true'"),
        ("{argv: [x], success_exit_codes: [300]}", "use a number from 0 to 255"),
    ],
)
def test_schema_errors_without_a_description_get_a_hint(settings: str, hint: str) -> None:
    """The schema's description was the only hint; without one there was none."""
    text = f"kind: Job\nname: x\ntype: command\ninterval: 1m\nsettings: {settings}\n"
    (error,) = errors_of("a.yaml", text.encode())
    assert error.hint is not None, error
    assert error.hint.startswith(hint), error


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (b"kind: Job\nname: nul\x00\n", (2, 10), "the control character U+0000"),
        (b'kind: Job\ndescription: "bell \x07"\n', (2, 20), "the control character U+0007"),
        (b"\xef\xbb\xbfkind: Job\nname: \x1b[31m\n", (2, 7), "the control character U+001B"),
    ],
)
def test_a_control_character_is_an_error_at_its_position(
    text: bytes, where: tuple[int, int], message: str
) -> None:
    """ruamel.yaml names only an offset (and a multi-line message): no line, column or hint."""
    (error,) = errors_of("a.yaml", text)
    assert (error.code, (error.line, error.column)) == ("yaml", where)
    assert message in error.message
    assert "\n" not in error.message
    assert error.hint is not None
    assert error.hint.startswith("delete it")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (b"kind: Job\nname: &n x\n---\nkind: Job\nname: *n\n", "define the anchor (&name)"),
        (b"kind: Job\nname: !custom x\n", "remove the tag"),
    ],
)
def test_alias_and_tag_errors_say_what_to_do(text: bytes, hint: str) -> None:
    """Not "an unclosed quote or bracket?" for an alias or a tag."""
    (error,) = errors_of("a.yaml", text)
    assert error.code == "yaml"
    assert error.line
    assert error.column
    assert error.hint is not None
    assert error.hint.startswith(hint)


def test_two_keys_that_exclude_each_other_are_named() -> None:
    """`body` and `body_file` together: the message printed the whole settings mapping and
    "should not be valid under {'required': [...]}"."""
    text = (
        b"kind: Job\nname: x\ntype: http\ninterval: 1m\n"
        b'settings: {url: "https://example.com/", body: a, body_file: b}\n'
    )
    (error,) = errors_of("a.yaml", text)
    assert error.message == "settings: set at most one of 'body', 'body_file'"
    assert error.hint == "remove all but one of `body:`, `body_file:`"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("true", "true is read as a boolean, not as text"),
        ("2.50", "2.5 is read as a number, not as text"),
        ("null", "null is read as null (nothing), not as text"),
    ],
)
def test_a_scalar_yaml_did_not_read_as_text_is_named_in_yamls_words(
    value: str, message: str
) -> None:
    """`argv: [true]` said "True is not of type 'string'" (Python's words)."""
    text = f"kind: Job\nname: x\ntype: command\ninterval: 1m\nsettings: {{argv: [{value}]}}\n"
    (error,) = errors_of("a.yaml", text.encode())
    assert error.message == f"settings.argv[0]: {message}"
