from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import _runtime
from ..types import UNSET, Unset

T = TypeVar("T", bound="StartDubbingRequest")


@_attrs_define
class StartDubbingRequest:
    """What to dub and how.

    Attributes:
        source_url (str): URL of the audio, or of a video whose audio is used. A2E must be able to fetch it.
        target_lang (str): A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that List
            available languages answers. A code of this syntax that is not in that list is
            refused with 422 (our choice: which codes A2E's dubbing accepts is unknown). The
            syntax is our choice too, wide enough for every code seen in clients.
             Example: en.
        name (str | None): A name for the task, shown in A2E's web UI (limits are our choice).
        source_lang (str): The language spoken in the source, or `auto` to let A2E detect it. Default: 'auto'.
        num_speakers (int): How many different voices the input has (the maximum is our choice). Default: 1.
        drop_background_audio (bool): Leave out the input's music and noise in the result. Default: False.
    """

    source_url: str
    target_lang: str
    name: str | None = None
    source_lang: str = "auto"
    num_speakers: int = 1
    drop_background_audio: bool = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_url = self.source_url

        target_lang = self.target_lang

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source_url": source_url,
                "target_lang": target_lang,
            }
        )
        if self.name is not None:
            name = self.name
            field_dict["name"] = name
        if self.source_lang is not None:
            source_lang = self.source_lang
            field_dict["source_lang"] = source_lang
        if self.num_speakers is not None:
            num_speakers = self.num_speakers
            field_dict["num_speakers"] = num_speakers
        if self.drop_background_audio is not None:
            drop_background_audio = self.drop_background_audio
            field_dict["drop_background_audio"] = drop_background_audio

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source_url = _runtime.expect(d.pop("source_url"), (str,), "source_url")

        target_lang = _runtime.expect(d.pop("target_lang"), (str,), "target_lang")

        name = _runtime.expect(d.pop("name", UNSET), (str, Unset), "name")

        source_lang = _runtime.expect(d.pop("source_lang", UNSET), (str, Unset), "source_lang")

        num_speakers = _runtime.expect(d.pop("num_speakers", UNSET), (int, Unset), "num_speakers")

        drop_background_audio = _runtime.expect(
            d.pop("drop_background_audio", UNSET), (bool, Unset), "drop_background_audio"
        )

        start_dubbing_request = cls(
            source_url=source_url,
            target_lang=target_lang,
            name=None if isinstance(name, Unset) else name,
            source_lang="auto" if isinstance(source_lang, Unset) else source_lang,
            num_speakers=1 if isinstance(num_speakers, Unset) else num_speakers,
            drop_background_audio=False
            if isinstance(drop_background_audio, Unset)
            else drop_background_audio,
        )

        start_dubbing_request.additional_properties = d
        return start_dubbing_request

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
