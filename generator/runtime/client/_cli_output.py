"""What `a2e-dubbing` prints, and how: results on stdout, progress and errors on stderr.

Whatever a server or a user sent is shown literally: rich renders no markup here, control
and invisible characters become visible escapes (`\\x1b`), numbers are printed by a
formatter that cannot fail, and the API key (and any bearer credential or A2E key) is
replaced by `REDACTED` in everything written, whatever a server echoes back (the client's
own `_redact`, applied once more to all output). With `--json`, stdout holds JSON and every line of
stderr is a JSON object.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import json
import math
import os
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from ._redact import Redactor

if TYPE_CHECKING:
    from rich.console import Console

    from ._cli_spec import Column

TABLE_WIDTH = 160  # when stdout is not a terminal
WRITE_SIZE = 16 * 1024


class Secrets:
    """The strings that must never be printed (the API key), and every bearer credential or
    A2E key besides (see `_redact.Redactor`)."""

    def __init__(self, *values: str) -> None:
        self._values: list[str] = []
        self._redactor = Redactor()
        for value in values:
            self.add(value)

    def add(self, value: str) -> None:
        if value and value not in self._values:
            self._values.append(value)
            self._redactor = Redactor(self._values)

    def redact(self, text: str) -> str:
        return self._redactor.text(text)

    def redact_data(self, value: Any) -> Any:
        """`value` (JSON-like data) with every string redacted and non-finite numbers as text."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if isinstance(value, dict):
            return {self.redact(str(k)): self.redact_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_data(v) for v in value]
        return value


class RedactingStream:
    """A text stream that writes through to `stream` with the secrets replaced."""

    def __init__(self, stream: IO[str], secrets: Secrets) -> None:
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        shown = self._secrets.redact(text)
        # In pieces: a closed pipe then fails the next write (BrokenPipeError), where one big
        # write can end short without an error and the rest be lost unseen.
        for start in range(0, len(shown), WRITE_SIZE):
            self._stream.write(shown[start : start + WRITE_SIZE])
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, ...
        return getattr(self._stream, name)


def visible(text: str) -> str:
    """`text` with every character that is not printable shown as its Python escape
    (`\\x1b`, `\\u202e`, `\\n`), so that a terminal shows what is there and does nothing
    else: no colours, no cursor moves, no links, no text hidden or reversed."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def number(value: float) -> str:
    """Any int or float as text, never failing: huge integers, inf and nan included."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than int -> str allows
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"{'-' if value < 0 else ''}(a number of about {digits} digits)"
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def cell(value: Any, format: str = "") -> str:
    """One value of a record as display text (still to be redacted)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return number(value)
    if isinstance(value, enum.Enum):
        return visible(str(value.value))
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        if format == "date-time":
            try:
                return _dt.datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                pass
        return visible(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:
        text = repr(value)
    return visible(text)


class Output:
    """Where results, progress and errors go: tables or JSON on stdout, the rest on stderr."""

    def __init__(
        self,
        *,
        as_json: bool,
        debug: bool,
        stdout: IO[str],
        stderr: IO[str],
        secrets: Secrets,
    ) -> None:
        self.as_json = as_json
        self.debug = debug
        self.secrets = secrets
        self.stdout = stdout
        self.stderr = stderr

    @property
    def live(self) -> bool:
        """A terminal on stderr that can show a live display (never with --json)."""
        return not self.as_json and _isatty(self.stderr) and os.environ.get("TERM", "") != "dumb"

    def clean(self, text: str) -> str:
        """Server or user text, fit to show: visible and redacted."""
        return visible(self.secrets.redact(text))

    def console(self, stream: IO[str]) -> Console:
        """A rich console that renders no markup, emoji or highlights, and lets a closed
        pipe raise `BrokenPipeError` (rich would exit with 1)."""
        width = None if _isatty(stream) else TABLE_WIDTH
        return _console_class()(
            file=stream, markup=False, emoji=False, highlight=False, width=width
        )

    # stdout: results

    def data(self, value: Any) -> None:
        """`value` as JSON on stdout, in one write."""
        text = json.dumps(self.secrets.redact_data(value), indent=2, ensure_ascii=False)
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def record(self, record: Any) -> None:
        """A model: JSON, its only field's value alone, or aligned `field  value` lines."""
        fields = record.to_dict()
        if self.as_json:
            self.data(fields)
        elif len(fields) == 1:
            self.lines([self.clean(cell(next(iter(fields.values()))))])
        else:
            self.lines(self._pairs(fields))

    def records(self, rows: Sequence[Any], title: str, columns: Sequence[Column] = ()) -> None:
        """A list of models: JSON, a table with `columns`, or one block of lines per record."""
        if self.as_json:
            self.data([row.to_dict() for row in rows])
        elif columns:
            self.table(columns, [row.to_dict() for row in rows], title)
        else:
            blocks: list[str] = [title]
            for row in rows:
                blocks += ["", *self._pairs(row.to_dict())]
            self.lines(blocks)

    def table(self, columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(self.clean(title)), title_justify="left")
        for column in columns:
            table.add_column(Text(self.clean(column.header)))
        for row in rows:
            table.add_row(*(Text(self.clean(cell(row.get(c.field), c.format))) for c in columns))
        self.console(self.stdout).print(table)

    def lines(self, lines: Iterable[str]) -> None:
        self.stdout.write("".join(f"{line}\n" for line in lines))
        self.stdout.flush()

    def _pairs(self, fields: dict[str, Any]) -> list[str]:
        width = max(map(len, fields), default=0)
        return [f"{self.clean(key):<{width}}  {self.clean(cell(v))}" for key, v in fields.items()]

    # stderr: what happens, and errors

    def event(self, kind: str, message: str, **fields: Any) -> None:
        """A line about progress (already fit to show); with --json, a JSON object."""
        if self.as_json:
            self._stderr_json({"event": kind, "message": message, **fields})
        else:
            self.stderr.write(self.secrets.redact(message) + "\n")
            self.stderr.flush()

    def error(self, message: str, *, kind: str, exit_code: int, **fields: Any) -> int:
        """Print an error (one line; JSON with --json) and return `exit_code`."""
        if self.as_json:
            error = {"type": kind, "message": message, "exit_code": exit_code, **fields}
            self._stderr_json({"error": {k: v for k, v in error.items() if v is not None}})
        else:
            self.stderr.write(self.secrets.redact(f"a2e-dubbing: error: {message}") + "\n")
            self.stderr.flush()
        return exit_code

    def _stderr_json(self, value: dict[str, Any]) -> None:
        text = json.dumps(self.secrets.redact_data(value), ensure_ascii=False)
        self.stderr.write(text + "\n")
        self.stderr.flush()


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
