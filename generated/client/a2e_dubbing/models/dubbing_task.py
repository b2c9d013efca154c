from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import _runtime
from ..models.dubbing_status import DubbingStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="DubbingTask")


@_attrs_define
class DubbingTask:
    """A dubbing task record, exactly as the seed's answer shows it (the misspelled
    `faild_message` is A2E's own). Newer A2E modules add `failed_message` and
    `failed_code`; they are optional here.

        Attributes:
            id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far. Example:
                66ea4dd87db10c73fa29b570.
            user_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far. Example:
                66ea4dd87db10c73fa29b570.
            name (str):
            source_url (str):
            current_status (DubbingStatus): Where a task is: `initialized` and `sent` (accepted, queued), `processing`, then
                `completed` (see `result_url`) or `failed` (see `faild_message`). A2E may add words;
                clients must not break on an unknown one.
            source_lang (str): A language code, or `auto` to let A2E detect the language. Example: auto.
            target_lang (str): A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that List
                available languages answers. A code of this syntax that is not in that list is
                refused with 422 (our choice: which codes A2E's dubbing accepts is unknown). The
                syntax is our choice too, wide enough for every code seen in clients.
                 Example: en.
            num_speakers (int):
            drop_background_audio (bool):
            duration (float): Length of the source in seconds.
            result_url (str): URL of the dubbed audio once `completed`; the empty string before.
            faild_message (None | str): Why the task failed (sic, A2E's spelling); empty or null otherwise.
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            failed_message (None | str): Newer modules' failure message (official-sibling); optional.
            failed_code (None | str): Newer modules' failure code (official-sibling); optional.
    """

    id: str
    user_id: str
    name: str
    source_url: str
    current_status: DubbingStatus
    source_lang: str
    target_lang: str
    num_speakers: int
    drop_background_audio: bool
    duration: float
    result_url: str
    faild_message: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    failed_message: None | str = None
    failed_code: None | str = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _present: frozenset[str] = _attrs_field(init=False, factory=frozenset, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        user_id = self.user_id

        name = self.name

        source_url = self.source_url

        current_status = self.current_status.value

        source_lang = self.source_lang

        target_lang = self.target_lang

        num_speakers = self.num_speakers

        drop_background_audio = self.drop_background_audio

        duration = self.duration

        result_url = self.result_url

        faild_message: None | str
        faild_message = self.faild_message

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_id": id,
                "user_id": user_id,
                "name": name,
                "source_url": source_url,
                "current_status": current_status,
                "source_lang": source_lang,
                "target_lang": target_lang,
                "num_speakers": num_speakers,
                "drop_background_audio": drop_background_audio,
                "duration": duration,
                "result_url": result_url,
                "faild_message": faild_message,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )
        if self.failed_message is not None:
            failed_message: None | str
            failed_message = self.failed_message
            field_dict["failed_message"] = failed_message
        elif "failed_message" in self._present:
            field_dict["failed_message"] = None
        if self.failed_code is not None:
            failed_code: None | str
            failed_code = self.failed_code
            field_dict["failed_code"] = failed_code
        elif "failed_code" in self._present:
            field_dict["failed_code"] = None

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = _runtime.expect(d.pop("_id"), (str,), "_id")

        user_id = _runtime.expect(d.pop("user_id"), (str,), "user_id")

        name = _runtime.expect(d.pop("name"), (str,), "name")

        source_url = _runtime.expect(d.pop("source_url"), (str,), "source_url")

        current_status = DubbingStatus(d.pop("current_status"))

        source_lang = _runtime.expect(d.pop("source_lang"), (str,), "source_lang")

        target_lang = _runtime.expect(d.pop("target_lang"), (str,), "target_lang")

        num_speakers = _runtime.expect(d.pop("num_speakers"), (int,), "num_speakers")

        drop_background_audio = _runtime.expect(
            d.pop("drop_background_audio"), (bool,), "drop_background_audio"
        )

        duration = _runtime.expect(d.pop("duration"), (int, float), "duration")

        result_url = _runtime.expect(d.pop("result_url"), (str,), "result_url")

        def _parse_faild_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, _runtime.expect(data, (str, type(None)), "faild_message"))

        faild_message = _parse_faild_message(d.pop("faild_message"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_failed_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(
                None | str | Unset,
                _runtime.expect(data, (str, type(None), Unset), "failed_message"),
            )

        failed_message = _parse_failed_message(d.pop("failed_message", UNSET))

        def _parse_failed_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(
                None | str | Unset, _runtime.expect(data, (str, type(None), Unset), "failed_code")
            )

        failed_code = _parse_failed_code(d.pop("failed_code", UNSET))

        dubbing_task = cls(
            id=id,
            user_id=user_id,
            name=name,
            source_url=source_url,
            current_status=current_status,
            source_lang=source_lang,
            target_lang=target_lang,
            num_speakers=num_speakers,
            drop_background_audio=drop_background_audio,
            duration=duration,
            result_url=result_url,
            faild_message=faild_message,
            created_at=created_at,
            updated_at=updated_at,
            failed_message=None if isinstance(failed_message, Unset) else failed_message,
            failed_code=None if isinstance(failed_code, Unset) else failed_code,
        )
        dubbing_task._present = frozenset(
            key for key in ("failed_message", "failed_code") if key in src_dict
        )

        dubbing_task.additional_properties = d
        return dubbing_task

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
