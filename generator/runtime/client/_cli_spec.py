"""The shape of the generated command table (`_commands.py`): what the spec says about
each command of `a2e-dubbing`, its options and the tables it prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a client method, as a command-line argument.

    The first required parameter of a command is its positional argument (`METAVAR`);
    every other one is an option named after its keyword in kebab case (`--page-size`).
    """

    name: str  # the client method's keyword
    wire: str  # the API's name for it, as A2E's messages say it ("" for "local")
    location: str  # "body", "query", "path", or "local" (a file of `upload`)
    kind: str  # "str", "int", "float", "bool", "enum", "model", "datetime", "date" or "json"
    required: bool
    positional: bool
    help: str
    default: Any = None  # the spec's default, shown in the help; None when there is none
    choices: tuple[str, ...] = ()
    model: str = ""  # the model class a value becomes, for kinds "enum" and "model"
    url: bool = False  # a URL (`format: uri`) that A2E fetches: only http(s)
    noun: str = ""  # what the value is (its schema's `title`), e.g. "language"
    values_from: str = ""  # the command that lists the accepted values (x-a2e-values-from)
    upload: str = ""  # x-a2e-upload: the client method that uploads a local file given here

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def metavar(self) -> str:
        return self.name.upper()


@dataclass(frozen=True)
class CommandSpec:
    """A command: one high-level client method (`client.<resource>.<method>`)."""

    name: str
    resource: str
    method: str
    summary: str
    description: str
    params: tuple[ParamSpec, ...]
    writes: bool  # not idempotent: each call has an effect (x-a2e-idempotent: false)
    uploads: bool = False  # the client's `upload` of a local file (x-a2e-presign)

    @property
    def client_method(self) -> str:
        return f"{self.resource}.{self.method}"


@dataclass(frozen=True)
class Column:
    """A column of the table of a record type (`x-a2e-cli-columns`)."""

    header: str
    field: str  # the record's field, by its API name
    format: str = ""  # the field's `format`, e.g. "date-time"
