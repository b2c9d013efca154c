from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import _runtime
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.remaining_coins import RemainingCoins


T = TypeVar("T", bound="RemainingCoinsEnvelope")


@_attrs_define
class RemainingCoinsEnvelope:
    """A success answer carrying the caller's balance.

    Attributes:
        code (int): Always 0 on success.
        data (RemainingCoins): The payload; its type depends on the operation.
        msg (str | None): Human-readable message; always present on errors.
        trace_id (UUID | None): Request id of newer A2E answers (official-sibling), a UUID.
    """

    code: int
    data: RemainingCoins
    msg: str | None = None
    trace_id: UUID | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "data": data,
            }
        )
        if self.msg is not None:
            msg = self.msg
            field_dict["msg"] = msg
        if self.trace_id is not None:
            trace_id = str(self.trace_id)
            field_dict["trace_id"] = trace_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.remaining_coins import RemainingCoins  # noqa: PLC0415

        d = dict(src_dict)
        code = _runtime.expect(d.pop("code"), (int,), "code")

        data = RemainingCoins.from_dict(d.pop("data"))

        msg = _runtime.expect(d.pop("msg", UNSET), (str, Unset), "msg")

        _trace_id = d.pop("trace_id", UNSET)
        trace_id: UUID | Unset
        if isinstance(_trace_id, Unset):
            trace_id = UNSET
        else:
            trace_id = UUID(_trace_id)

        remaining_coins_envelope = cls(
            code=code,
            data=data,
            msg=None if isinstance(msg, Unset) else msg,
            trace_id=None if isinstance(trace_id, Unset) else trace_id,
        )

        remaining_coins_envelope.additional_properties = d
        return remaining_coins_envelope

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
