"""The resources of `A2E` and `AsyncA2E`: one method per operation of the spec.

Each method builds its request with the operation's module in `api/` and parses the
`data` of the answer with the generated models; retries and errors are `_base_client`'s.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from . import _resource, _runtime, _tasks

if TYPE_CHECKING:
    from .models import (
        DubbingTask,
        DubbingTaskPage,
        Language,
        RemainingCoins,
        TransferResult,
    )


class Dubbing(_tasks.SyncTaskResource["DubbingTask"]):
    """Start, follow and delete dubbing tasks."""

    def start(
        self,
        source_url: str,
        target_lang: str,
        *,
        name: str | None = None,
        source_lang: str = "auto",
        num_speakers: int = 1,
        drop_background_audio: bool = False,
    ) -> DubbingTask:
        """Start dubbing.

        Convert the audio in one language to another. The input is an audio URL, or a video
        URL whose audio is extracted. The voice is cloned from the input and the translation
        is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
        To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
        video API (`/api/v1/video/generate`), which is outside this document.

        The answer is the whole task record, usually with `current_status` `initialized` or
        `sent`; follow it with Get details until it is `completed` or `failed`.

        **This call spends credits.** Sending it twice starts two paid tasks. A client may
        send it again without a look-up only when the request provably never reached the
        server (no connection could be made). After any other retryable failure (429, 408,
        5xx, a timeout, a dropped connection) the task may exist although no success answer
        came: a client first looks for it (same `name`, `source_url` and `target_lang`, just
        created) and sends again only when it is not there.

        Evidence: seed (path, method, request and answer). Uncertain: which fields are
        required (third-party clients send `source_url` and `target_lang` at least), the
        limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
        answer reports `source_lang: "auto"` although the request said `zh`.

        Client retries: this call is sent again without a look-up only when the request
        provably never reached A2E (no connection could be made). After any other retryable
        failure (429, 408, 5xx, a timeout, a dropped connection) the client first looks for
        the task this call may have created (same `name`, `source_url`, `target_lang`,
        created in the last few minutes) and returns it when found; it sends again only when
        none is there.
        Without `name`, a unique one is sent so that the task can be found.

        """
        from .api.dubbing import start_dubbing as _op
        from .models import DubbingTask, StartDubbingRequest
        from .types import UNSET

        if name is None:
            name = _runtime.unique_name()
        body = StartDubbingRequest(
            source_url=source_url,
            target_lang=target_lang,
            name=UNSET if name is None else name,
            source_lang=source_lang,
            num_speakers=num_speakers,
            drop_background_audio=drop_background_audio,
        )
        kwargs = _op._get_kwargs(
            body=body,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTask.from_dict),
            idempotent=False,
            recover=self._recover(
                {
                    "name": name,
                    "source_url": source_url,
                    "target_lang": target_lang,
                }
            ),
        )

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 10,
    ) -> DubbingTaskPage:
        """List dubbing tasks.

        One page of the caller's dubbing tasks, newest first, with the total count.

        Evidence: third-party (the path follows A2E's Caption Removal module; the
        `rows`/`count` page shape and string-typed paging parameters come from official
        sibling pages). Uncertain: the order of rows and the largest page size (100 is our
        choice).

        """
        from .api.dubbing import list_dubbing_tasks as _op
        from .models import DubbingTaskPage

        kwargs = _op._get_kwargs(
            page_num=page_num,
            page_size=page_size,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTaskPage.from_dict),
        )

    def list_processing(
        self,
    ) -> builtins.list[DubbingTask]:
        """List all processing dubbing tasks.

        Every task of the caller that has not finished yet (`initialized`, `sent` or
        `processing`), without paging.

        Evidence: third-party (path follows the Caption Removal module). Uncertain: whether
        `data` is a plain array (our choice, as A2E's Face Swap status list is) and which
        statuses count as processing.

        """
        from .api.dubbing import list_processing_dubbing_tasks as _op
        from .models import DubbingTask

        kwargs = _op._get_kwargs()
        return self._client._request(
            kwargs,
            parse=_runtime.list_of(DubbingTask.from_dict),
        )

    def get(
        self,
        task_id: str,
    ) -> DubbingTask:
        """Get details.

        The record of one dubbing task: its status, and `result_url` once `completed`.
        Result URLs are signed and said to expire after about 3 days (third-party).

        Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
        `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
        here; A2E may answer 200 with `code != 0`).

        """
        from .api.dubbing import get_dubbing_task as _op
        from .models import DubbingTask

        kwargs = _op._get_kwargs(
            field_id=task_id,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTask.from_dict),
        )

    def delete(
        self,
        task_id: str,
    ) -> None:
        """Delete record.

        Delete one dubbing task record (and cancel it if it is still running).

        Evidence: third-party (path and method). Uncertain: what `data` holds on success
        (left untyped here), whether a running task is cancelled, and the answer for an
        unknown id (404 here).

        """
        from .api.dubbing import delete_dubbing_task as _op

        kwargs = _op._get_kwargs(
            field_id=task_id,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.ignore_data,
            gone_is_done=True,
        )


class AsyncDubbing(_tasks.AsyncTaskResource["DubbingTask"]):
    """Start, follow and delete dubbing tasks."""

    async def start(
        self,
        source_url: str,
        target_lang: str,
        *,
        name: str | None = None,
        source_lang: str = "auto",
        num_speakers: int = 1,
        drop_background_audio: bool = False,
    ) -> DubbingTask:
        """Start dubbing.

        Convert the audio in one language to another. The input is an audio URL, or a video
        URL whose audio is extracted. The voice is cloned from the input and the translation
        is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
        To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
        video API (`/api/v1/video/generate`), which is outside this document.

        The answer is the whole task record, usually with `current_status` `initialized` or
        `sent`; follow it with Get details until it is `completed` or `failed`.

        **This call spends credits.** Sending it twice starts two paid tasks. A client may
        send it again without a look-up only when the request provably never reached the
        server (no connection could be made). After any other retryable failure (429, 408,
        5xx, a timeout, a dropped connection) the task may exist although no success answer
        came: a client first looks for it (same `name`, `source_url` and `target_lang`, just
        created) and sends again only when it is not there.

        Evidence: seed (path, method, request and answer). Uncertain: which fields are
        required (third-party clients send `source_url` and `target_lang` at least), the
        limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
        answer reports `source_lang: "auto"` although the request said `zh`.

        Client retries: this call is sent again without a look-up only when the request
        provably never reached A2E (no connection could be made). After any other retryable
        failure (429, 408, 5xx, a timeout, a dropped connection) the client first looks for
        the task this call may have created (same `name`, `source_url`, `target_lang`,
        created in the last few minutes) and returns it when found; it sends again only when
        none is there.
        Without `name`, a unique one is sent so that the task can be found.

        """
        from .api.dubbing import start_dubbing as _op
        from .models import DubbingTask, StartDubbingRequest
        from .types import UNSET

        if name is None:
            name = _runtime.unique_name()
        body = StartDubbingRequest(
            source_url=source_url,
            target_lang=target_lang,
            name=UNSET if name is None else name,
            source_lang=source_lang,
            num_speakers=num_speakers,
            drop_background_audio=drop_background_audio,
        )
        kwargs = _op._get_kwargs(
            body=body,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTask.from_dict),
            idempotent=False,
            recover=self._recover(
                {
                    "name": name,
                    "source_url": source_url,
                    "target_lang": target_lang,
                }
            ),
        )

    async def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 10,
    ) -> DubbingTaskPage:
        """List dubbing tasks.

        One page of the caller's dubbing tasks, newest first, with the total count.

        Evidence: third-party (the path follows A2E's Caption Removal module; the
        `rows`/`count` page shape and string-typed paging parameters come from official
        sibling pages). Uncertain: the order of rows and the largest page size (100 is our
        choice).

        """
        from .api.dubbing import list_dubbing_tasks as _op
        from .models import DubbingTaskPage

        kwargs = _op._get_kwargs(
            page_num=page_num,
            page_size=page_size,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTaskPage.from_dict),
        )

    async def list_processing(
        self,
    ) -> builtins.list[DubbingTask]:
        """List all processing dubbing tasks.

        Every task of the caller that has not finished yet (`initialized`, `sent` or
        `processing`), without paging.

        Evidence: third-party (path follows the Caption Removal module). Uncertain: whether
        `data` is a plain array (our choice, as A2E's Face Swap status list is) and which
        statuses count as processing.

        """
        from .api.dubbing import list_processing_dubbing_tasks as _op
        from .models import DubbingTask

        kwargs = _op._get_kwargs()
        return await self._client._request(
            kwargs,
            parse=_runtime.list_of(DubbingTask.from_dict),
        )

    async def get(
        self,
        task_id: str,
    ) -> DubbingTask:
        """Get details.

        The record of one dubbing task: its status, and `result_url` once `completed`.
        Result URLs are signed and said to expire after about 3 days (third-party).

        Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
        `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
        here; A2E may answer 200 with `code != 0`).

        """
        from .api.dubbing import get_dubbing_task as _op
        from .models import DubbingTask

        kwargs = _op._get_kwargs(
            field_id=task_id,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.object_of(DubbingTask.from_dict),
        )

    async def delete(
        self,
        task_id: str,
    ) -> None:
        """Delete record.

        Delete one dubbing task record (and cancel it if it is still running).

        Evidence: third-party (path and method). Uncertain: what `data` holds on success
        (left untyped here), whether a running task is cancelled, and the answer for an
        unknown id (404 here).

        """
        from .api.dubbing import delete_dubbing_task as _op

        kwargs = _op._get_kwargs(
            field_id=task_id,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.ignore_data,
            gone_is_done=True,
        )


class Account(_resource.SyncResource):
    """The caller's account (credits)."""

    def remaining_coins(
        self,
    ) -> RemainingCoins:
        """Get user remaining credits.

        The caller's remaining credits: `coins` (spent by tasks such as dubbing) and
        `diamonds`.

        Evidence: third-party, consistent across clients. Uncertain: whether the numbers
        can be fractional (typed as numbers here).

        """
        from .api.account import get_remaining_coins as _op
        from .models import RemainingCoins

        kwargs = _op._get_kwargs()
        return self._client._request(
            kwargs,
            parse=_runtime.object_of(RemainingCoins.from_dict),
        )


class AsyncAccount(_resource.AsyncResource):
    """The caller's account (credits)."""

    async def remaining_coins(
        self,
    ) -> RemainingCoins:
        """Get user remaining credits.

        The caller's remaining credits: `coins` (spent by tasks such as dubbing) and
        `diamonds`.

        Evidence: third-party, consistent across clients. Uncertain: whether the numbers
        can be fractional (typed as numbers here).

        """
        from .api.account import get_remaining_coins as _op
        from .models import RemainingCoins

        kwargs = _op._get_kwargs()
        return await self._client._request(
            kwargs,
            parse=_runtime.object_of(RemainingCoins.from_dict),
        )


class Languages(_resource.SyncResource):
    """Languages A2E offers."""

    def list(
        self,
        *,
        lang: str = "en",
    ) -> builtins.list[Language]:
        """List available languages.

        The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
        name, in the language asked for with `lang`).

        Evidence: third-party (path and item shape; one client used POST). Uncertain:
        whether this list is exactly the set dubbing accepts.

        """
        from .api.languages import list_languages as _op
        from .models import Language

        kwargs = _op._get_kwargs(
            lang=lang,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.list_of(Language.from_dict),
        )


class AsyncLanguages(_resource.AsyncResource):
    """Languages A2E offers."""

    async def list(
        self,
        *,
        lang: str = "en",
    ) -> builtins.list[Language]:
        """List available languages.

        The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
        name, in the language asked for with `lang`).

        Evidence: third-party (path and item shape; one client used POST). Uncertain:
        whether this list is exactly the set dubbing accepts.

        """
        from .api.languages import list_languages as _op
        from .models import Language

        kwargs = _op._get_kwargs(
            lang=lang,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.list_of(Language.from_dict),
        )


class Storage(_resource.SyncResource):
    """A2E's own file storage."""

    def transfer(
        self,
        url: str,
    ) -> TransferResult:
        """Save URL to A2E's storage.

        Copy the file at `url` into A2E's storage and answer its new URL there, for use as
        a `source_url` that A2E can always reach.

        Evidence: third-party, consistent across clients. Uncertain: size limits, how long
        the copy is kept, and whether the copy is made before the answer.

        """
        from .api.storage import transfer_to_storage as _op
        from .models import TransferRequest, TransferResult

        body = TransferRequest(
            url=url,
        )
        kwargs = _op._get_kwargs(
            body=body,
        )
        return self._client._request(
            kwargs,
            parse=_runtime.object_of(TransferResult.from_dict),
        )


class AsyncStorage(_resource.AsyncResource):
    """A2E's own file storage."""

    async def transfer(
        self,
        url: str,
    ) -> TransferResult:
        """Save URL to A2E's storage.

        Copy the file at `url` into A2E's storage and answer its new URL there, for use as
        a `source_url` that A2E can always reach.

        Evidence: third-party, consistent across clients. Uncertain: size limits, how long
        the copy is kept, and whether the copy is made before the answer.

        """
        from .api.storage import transfer_to_storage as _op
        from .models import TransferRequest, TransferResult

        body = TransferRequest(
            url=url,
        )
        kwargs = _op._get_kwargs(
            body=body,
        )
        return await self._client._request(
            kwargs,
            parse=_runtime.object_of(TransferResult.from_dict),
        )
