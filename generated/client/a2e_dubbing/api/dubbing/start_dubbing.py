from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dubbing_task_envelope import DubbingTaskEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...models.start_dubbing_request import StartDubbingRequest
from ...types import Response


def _get_kwargs(
    *,
    body: StartDubbingRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/userDubbing/startDubbing",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> DubbingTaskEnvelope | ErrorEnvelope:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = DubbingTaskEnvelope.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = ErrorEnvelope.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorEnvelope.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StartDubbingRequest,
) -> Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Start dubbing

     Convert the audio in one language to another. The input is an audio URL, or a video
    URL whose audio is extracted. The voice is cloned from the input and the translation
    is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
    To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
    video API (`/api/v1/video/generate`), which is outside this document.

    The answer is the whole task record, usually with `current_status` `initialized` or
    `sent`; follow it with Get details until it is `completed` or `failed`.

    **This call spends credits.** Sending it twice starts two paid tasks.

    Evidence: seed (path, method, request and answer). Uncertain: which fields are
    required (third-party clients send `source_url` and `target_lang` at least), the
    limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
    answer reports `source_lang: "auto"` although the request said `zh`.

    Args:
        body (StartDubbingRequest): What to dub and how.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: StartDubbingRequest,
) -> DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Start dubbing

     Convert the audio in one language to another. The input is an audio URL, or a video
    URL whose audio is extracted. The voice is cloned from the input and the translation
    is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
    To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
    video API (`/api/v1/video/generate`), which is outside this document.

    The answer is the whole task record, usually with `current_status` `initialized` or
    `sent`; follow it with Get details until it is `completed` or `failed`.

    **This call spends credits.** Sending it twice starts two paid tasks.

    Evidence: seed (path, method, request and answer). Uncertain: which fields are
    required (third-party clients send `source_url` and `target_lang` at least), the
    limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
    answer reports `source_lang: "auto"` although the request said `zh`.

    Args:
        body (StartDubbingRequest): What to dub and how.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StartDubbingRequest,
) -> Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Start dubbing

     Convert the audio in one language to another. The input is an audio URL, or a video
    URL whose audio is extracted. The voice is cloned from the input and the translation
    is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
    To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
    video API (`/api/v1/video/generate`), which is outside this document.

    The answer is the whole task record, usually with `current_status` `initialized` or
    `sent`; follow it with Get details until it is `completed` or `failed`.

    **This call spends credits.** Sending it twice starts two paid tasks.

    Evidence: seed (path, method, request and answer). Uncertain: which fields are
    required (third-party clients send `source_url` and `target_lang` at least), the
    limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
    answer reports `source_lang: "auto"` although the request said `zh`.

    Args:
        body (StartDubbingRequest): What to dub and how.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: StartDubbingRequest,
) -> DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Start dubbing

     Convert the audio in one language to another. The input is an audio URL, or a video
    URL whose audio is extracted. The voice is cloned from the input and the translation
    is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
    To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
    video API (`/api/v1/video/generate`), which is outside this document.

    The answer is the whole task record, usually with `current_status` `initialized` or
    `sent`; follow it with Get details until it is `completed` or `failed`.

    **This call spends credits.** Sending it twice starts two paid tasks.

    Evidence: seed (path, method, request and answer). Uncertain: which fields are
    required (third-party clients send `source_url` and `target_lang` at least), the
    limits of `name` and `num_speakers` (our choice), and the error codes. The recorded
    answer reports `source_lang: "auto"` although the request said `zh`.

    Args:
        body (StartDubbingRequest): What to dub and how.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
