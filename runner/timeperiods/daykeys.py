"""Reading day keys (TIMEPERIODS.md §2) into `DayKey` values, with findings and offsets."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from runner.timeperiods.dayspec import (
    MONTHS,
    WEEKDAYS,
    IsoDate,
    MonthDate,
    MonthDay,
    NthWeekday,
    Spec,
    Weekday,
)
from runner.timeperiods.findings import ACCEPTED_KEYS


@dataclass(frozen=True, slots=True)
class DayKey:
    """A parsed day key: one spec, or a range `first - last`, with an optional step."""

    first: Spec
    last: Spec | None = None
    step: int = 1
    borrowed: bool = False
    """True when `last` was a bare number that borrowed the first word of `first`."""


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a day key and where it starts."""

    kind: str
    text: str
    offset: int


class KeySyntaxError(ValueError):
    """A day key that cannot be read: what, where (offset) and a hint."""

    def __init__(self, offset: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint


_TOKEN = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}\b)|(?P<baddate>\d{1,4}-\d{1,2}-\d{1,2}\b)|(?P<int>[+-]?\d+)"
    r"|(?P<word>[A-Za-z]+)|(?P<dash>-)|(?P<slash>/)|(?P<ws>\s+)|(?P<bad>.)",
    re.ASCII,  # Icinga 2 reads ASCII digits only: an Arabic-Indic `1` is not `day 1`
)
MAX_DIGITS = 7
"""Longer numbers cannot be a day, a count or a step (found by fuzzing: they overflowed)."""
MAX_DAY_NUMBER = 366
"""Larger counts would carry over by years and make every lookup scan that far back."""
MAX_NTH_WEEKDAY = 53
_NAMES = (*WEEKDAYS, *MONTHS, "day")
_GROUPS = {
    "weekdays": "monday - friday",
    "workdays": "monday - friday",
    "weekend": "saturday - sunday",
    "weekends": "saturday - sunday",
    "daily": "monday - sunday",
    "everyday": "monday - sunday",
}
"""Words for several days that users write (cron, other schedulers) and the range to use."""


def tokenize(key: str) -> list[Token]:
    """Split `key` into tokens, rejecting characters no day key contains."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(key):
        kind = m.lastgroup or "bad"
        if kind == "ws":
            continue
        if kind == "bad":
            raise KeySyntaxError(m.start(), f"unexpected character {m.group()!r}")
        if kind == "baddate":
            raise KeySyntaxError(
                m.start(), "a date must be zero-padded ISO", "write e.g. 2026-01-05"
            )
        if kind == "int" and len(m.group().lstrip("+-")) > MAX_DIGITS:
            raise KeySyntaxError(m.start(), f"number {m.group()[:12]}... is too large")
        tokens.append(Token(kind, m.group(), m.start()))
    return tokens


class _Parser:
    """A recursive-descent reader over the tokens of one day key."""

    def __init__(self, key: str, tokens: list[Token]) -> None:
        self.key = key
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def end_offset(self) -> int:
        return len(self.key)

    def number(self, after: Token, what: str, limit: int = MAX_DAY_NUMBER) -> int:
        """A non-zero integer token following `after`, at most `limit` either way."""
        token = self.peek()
        if token is None or token.kind != "int":
            at = token.offset if token else self.end_offset()
            raise KeySyntaxError(at, f"expected a number after {after.text!r} ({what})")
        self.take()
        n = int(token.text)
        if n == 0:
            raise KeySyntaxError(token.offset, "0 is not a day number (counting starts at 1 or -1)")
        if abs(n) > limit:
            raise KeySyntaxError(
                token.offset,
                f"`{after.text} {n}` is out of range: use 1 to {limit} or -1 to -{limit}",
                "count from the start (1) or from the end (-1) of the month",
            )
        return n

    def word(self, token: Token) -> str:
        """A known lowercase name, or an error with the nearest name as hint."""
        text = token.text
        if text in _NAMES:
            return text
        if text.lower() in _NAMES:
            raise KeySyntaxError(
                token.offset, f"{text!r} must be lowercase", f"write {text.lower()!r}"
            )
        if text.lower() in _GROUPS:  # `weekdays` is no weekday: not "did you mean wednesday?"
            group = f"write the days as a range: {_GROUPS[text.lower()]!r}"
            raise KeySyntaxError(token.offset, f"unknown name {text!r}", group)
        close = difflib.get_close_matches(text.lower(), _NAMES, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
        if close is None or not close:
            prefix = [n for n in _NAMES if n.startswith(text.lower())]
            hint = f"did you mean {prefix[0]!r}?" if prefix else None
        raise KeySyntaxError(token.offset, f"unknown name {text!r}", hint)

    def spec(self) -> Spec:
        """One day spec: weekday [n [month]] | day n | month n | date."""
        token = self.peek()
        if token is None:
            raise KeySyntaxError(self.end_offset(), "expected a day here")
        self.take()
        if token.kind == "date":
            return _iso_date(token)
        if token.kind != "word":
            raise KeySyntaxError(
                token.offset,
                f"{token.text!r} cannot start a day: use a weekday, a month, `day` or a date",
            )
        name = self.word(token)
        if name == "day":
            return MonthDay(self.number(token, "day of the month"))
        if name in MONTHS:
            if self.peek() is None:
                hint = f"for the whole month write `{name} 1 - {name} -1`"
                raise KeySyntaxError(self.end_offset(), f"{name!r} needs a day number", hint)
            return MonthDate(MONTHS.index(name) + 1, self.number(token, "day of the month"))
        weekday = WEEKDAYS.index(name)
        nxt = self.peek()
        if nxt is None or nxt.kind != "int":
            return Weekday(weekday)
        n = self.number(token, "which one in the month", MAX_NTH_WEEKDAY)
        month_token = self.peek()
        if month_token is not None and month_token.kind == "word":
            month = self.word(self.take())
            if month not in MONTHS:
                raise KeySyntaxError(month_token.offset, f"expected a month name, not {month!r}")
            return NthWeekday(weekday, n, MONTHS.index(month) + 1)
        return NthWeekday(weekday, n)

    def day_key(self) -> DayKey:
        """spec [ "-" (spec | number) ] [ "/" step ]."""
        first = self.spec()
        last: Spec | None = None
        borrowed = False
        token = self.peek()
        if token is not None and token.kind == "int" and token.text.startswith("-"):
            fixed = f"{self.key[: token.offset].rstrip()} - {self.key[token.offset + 1 :]}"
            raise KeySyntaxError(
                token.offset,
                "a range dash needs a space after it (Icinga 2 reads this key as its first day)",
                f"write {fixed!r}",
            )
        if token is not None and token.kind == "dash":
            self.check_dash_space(token)
            self.take()
            borrowed = self.borrow_word()
            last = self.spec()
        step = self.step()
        extra = self.peek()
        if extra is not None:
            raise KeySyntaxError(extra.offset, f"unexpected {extra.text!r} after the day")
        return DayKey(first, last, step, borrowed)

    def check_dash_space(self, dash: Token) -> None:
        """Icinga 2 finds a range by `- `: a dash glued to the next word is not a range."""
        after = dash.offset + 1
        if after >= len(self.key) or not self.key[after].isspace():
            fixed = f"{self.key[:after]} {self.key[after:]}"
            raise KeySyntaxError(
                dash.offset, "a range dash needs a space after it", f"write {fixed!r}"
            )

    def borrow_word(self) -> bool:
        """`day 1 - 15`: a bare number after the dash borrows the first word of the key."""
        token = self.peek()
        if token is None or token.kind != "int":
            return False
        first = self.tokens[0]
        if first.kind != "word":
            raise KeySyntaxError(
                token.offset,
                "a bare number after the dash needs a named day before the dash",
                "write both ends in full, e.g. 2026-01-01 - 2026-01-15",
            )
        self.tokens.insert(self.pos, Token("word", first.text, first.offset))
        return True

    def step(self) -> int:
        """The optional `/ N` (N >= 1)."""
        token = self.peek()
        if token is None or token.kind != "slash":
            return 1
        self.take()
        number = self.peek()
        if number is None or number.kind != "int" or int(number.text) < 1:
            at = number.offset if number else self.end_offset()
            raise KeySyntaxError(at, "expected a whole number of days >= 1 after `/`")
        self.take()
        return int(number.text)


def _iso_date(token: Token) -> IsoDate:
    """A real calendar date in zero-padded ISO form."""
    try:
        return IsoDate(date.fromisoformat(token.text).toordinal())
    except ValueError:
        raise KeySyntaxError(token.offset, f"{token.text} is not a calendar date") from None


def parse_day_key(key: str) -> DayKey:
    """Read one day key; raises `KeySyntaxError` with the offset of the offending token."""
    tokens = tokenize(key)
    if not tokens:
        raise KeySyntaxError(0, "empty day key", f"accepted forms: {ACCEPTED_KEYS}")
    return _Parser(key, tokens).day_key()
