from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dubbing_task_page_envelope import DubbingTaskPageEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_num: int | Unset = 1,
    page_size: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageNum"] = page_num

    params["pageSize"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/userDubbing/allRecords",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> DubbingTaskPageEnvelope | ErrorEnvelope:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = DubbingTaskPageEnvelope.from_dict(data)

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
) -> Response[DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_num: int | Unset = 1,
    page_size: int | Unset = 10,
) -> Response[DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """List dubbing tasks

     One page of the caller's dubbing tasks, newest first, with the total count.

    Evidence: third-party (the path follows A2E's Caption Removal module; the
    `rows`/`count` page shape and string-typed paging parameters come from official
    sibling pages). Uncertain: the order of rows and the largest page size (100 is our
    choice).

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        page_num=page_num,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page_num: int | Unset = 1,
    page_size: int | Unset = 10,
) -> DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """List dubbing tasks

     One page of the caller's dubbing tasks, newest first, with the total count.

    Evidence: third-party (the path follows A2E's Caption Removal module; the
    `rows`/`count` page shape and string-typed paging parameters come from official
    sibling pages). Uncertain: the order of rows and the largest page size (100 is our
    choice).

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        page_num=page_num,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_num: int | Unset = 1,
    page_size: int | Unset = 10,
) -> Response[DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope]:
    """List dubbing tasks

     One page of the caller's dubbing tasks, newest first, with the total count.

    Evidence: third-party (the path follows A2E's Caption Removal module; the
    `rows`/`count` page shape and string-typed paging parameters come from official
    sibling pages). Uncertain: the order of rows and the largest page size (100 is our
    choice).

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        page_num=page_num,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page_num: int | Unset = 1,
    page_size: int | Unset = 10,
) -> DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope | None:
    """List dubbing tasks

     One page of the caller's dubbing tasks, newest first, with the total count.

    Evidence: third-party (the path follows A2E's Caption Removal module; the
    `rows`/`count` page shape and string-typed paging parameters come from official
    sibling pages). Uncertain: the order of rows and the largest page size (100 is our
    choice).

    Args:
        page_num (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DubbingTaskPageEnvelope | ErrorEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            page_num=page_num,
            page_size=page_size,
        )
    ).parsed
