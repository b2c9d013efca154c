from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_envelope import DeleteEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    field_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/userDubbing/{field_id}".format(
            field_id=quote(str(field_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeleteEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> DeleteEnvelope | ErrorEnvelope:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = DeleteEnvelope.from_dict(data)

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
) -> Response[DeleteEnvelope | ErrorEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    field_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeleteEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Delete record

     Delete one dubbing task record (and cancel it if it is still running).

    Evidence: third-party (path and method). Uncertain: what `data` holds on success
    (left untyped here), whether a running task is cancelled, and the answer for an
    unknown id (404 here).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    field_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeleteEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Delete record

     Delete one dubbing task record (and cancel it if it is still running).

    Evidence: third-party (path and method). Uncertain: what `data` holds on success
    (left untyped here), whether a running task is cancelled, and the answer for an
    unknown id (404 here).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        field_id=field_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    field_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeleteEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """Delete record

     Delete one dubbing task record (and cancel it if it is still running).

    Evidence: third-party (path and method). Uncertain: what `data` holds on success
    (left untyped here), whether a running task is cancelled, and the answer for an
    unknown id (404 here).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    field_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeleteEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """Delete record

     Delete one dubbing task record (and cancel it if it is still running).

    Evidence: third-party (path and method). Uncertain: what `data` holds on success
    (left untyped here), whether a running task is cancelled, and the answer for an
    unknown id (404 here).

    Args:
        field_id (str): A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.
            Example: 66ea4dd87db10c73fa29b570.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            field_id=field_id,
            client=client,
        )
    ).parsed
