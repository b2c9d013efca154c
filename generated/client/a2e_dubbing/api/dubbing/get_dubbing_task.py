from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dubbing_task_envelope import DubbingTaskEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    *,
    field_id: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["_id"] = field_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/userDubbing/detail",
        "params": params,
    }

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

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

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
    field_id: str,
) -> Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Get details

     The record of one dubbing task: its status, and `result_url` once `completed`.
    Result URLs are signed and said to expire after about 3 days (third-party).

    Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
    `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
    here; A2E may answer 200 with `code != 0`).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    field_id: str,
) -> DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Get details

     The record of one dubbing task: its status, and `result_url` once `completed`.
    Result URLs are signed and said to expire after about 3 days (third-party).

    Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
    `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
    here; A2E may answer 200 with `code != 0`).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        field_id=field_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    field_id: str,
) -> Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Get details

     The record of one dubbing task: its status, and `result_url` once `completed`.
    Result URLs are signed and said to expire after about 3 days (third-party).

    Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
    `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
    here; A2E may answer 200 with `code != 0`).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    field_id: str,
) -> DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Get details

     The record of one dubbing task: its status, and `result_url` once `completed`.
    Result URLs are signed and said to expire after about 3 days (third-party).

    Evidence: third-party, conflicting: most clients call `detail?_id=`, one called
    `/api/v1/userDubbing/{_id}` with GET. Uncertain: the answer for an unknown id (404
    here; A2E may answer 200 with `code != 0`).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            field_id=field_id,
        )
    ).parsed
