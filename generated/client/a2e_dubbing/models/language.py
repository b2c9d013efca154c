from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import _runtime

T = TypeVar("T", bound="Language")


@_attrs_define
class Language:
    """
    Attributes:
        value (str): A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that List
            available languages answers. A code of this syntax that is not in that list is
            refused with 422 (our choice: which codes A2E's dubbing accepts is unknown). The
            syntax is our choice too, wide enough for every code seen in clients.
             Example: en.
        label (str): The language's name.
    """

    value: str
    label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "value": value,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        value = _runtime.expect(d.pop("value"), (str,), "value")

        label = _runtime.expect(d.pop("label"), (str,), "label")

        language = cls(
            value=value,
            label=label,
        )

        language.additional_properties = d
        return language

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
