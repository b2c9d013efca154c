"""Listed values (the spec's `enum`s with x-a2e-labels): what a listing operation answers."""

from __future__ import annotations

from typing import Any

from ._spec import VALUES


def listed(operation_id: str, params: dict[str, Any]) -> list[dict[str, str]]:
    """The items `operation_id` answers: each value with its name in the language asked
    for (its main subtag, then the parameter's default, then any name it has)."""
    spec = VALUES[operation_id]
    asked = str(params.get(spec.label_param) or spec.default_label)
    tried = (asked, asked.split("-")[0], spec.default_label)
    items = []
    for value, names in spec.labels.items():
        label = next((names[lang] for lang in tried if lang in names), next(iter(names.values())))
        items.append({spec.value: value, spec.label: label})
    return items


# The mock's languages, in the spec's order: what listLanguages answers.
LANGUAGES: tuple[str, ...] = tuple(value for spec in VALUES.values() for value in spec.labels)
