from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import _runtime
from ..types import UNSET, Unset

T = TypeVar("T", bound="DeleteEnvelope")


@_attrs_define
class DeleteEnvelope:
    """A success answer to a delete; `data` is unknown and left untyped.

    Attributes:
        code (int): Always 0 on success.
        msg (str | None): Human-readable message; always present on errors.
        trace_id (UUID | None): Request id of newer A2E answers (official-sibling), a UUID.
        data (Any): The payload; its type depends on the operation.
    """

    code: int
    msg: str | None = None
    trace_id: UUID | None = None
    data: Any = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _present: frozenset[str] = _attrs_field(init=False, factory=frozenset, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
            }
        )
        if self.msg is not None:
            msg = self.msg
            field_dict["msg"] = msg
        if self.trace_id is not None:
            trace_id = str(self.trace_id)
            field_dict["trace_id"] = trace_id
        if self.data is not None:
            data = self.data
            field_dict["data"] = data
        elif "data" in self._present:
            field_dict["data"] = None

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = _runtime.expect(d.pop("code"), (int,), "code")

        msg = _runtime.expect(d.pop("msg", UNSET), (str, Unset), "msg")

        _trace_id = d.pop("trace_id", UNSET)
        trace_id: UUID | Unset
        if isinstance(_trace_id, Unset):
            trace_id = UNSET
        else:
            trace_id = UUID(_trace_id)

        data = d.pop("data", UNSET)

        delete_envelope = cls(
            code=code,
            msg=None if isinstance(msg, Unset) else msg,
            trace_id=None if isinstance(trace_id, Unset) else trace_id,
            data=None if isinstance(data, Unset) else data,
        )
        delete_envelope._present = frozenset(key for key in ("data",) if key in src_dict)

        delete_envelope.additional_properties = d
        return delete_envelope

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
