from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.language_list_envelope import LanguageListEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    lang: str | Unset = "en",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["lang"] = lang

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/anchor/language_list",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> ErrorEnvelope | LanguageListEnvelope:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = LanguageListEnvelope.from_dict(data)

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
) -> Response[ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    lang: str | Unset = "en",
) -> Response[ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope]:
    """List available languages

     The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
    name, in the language asked for with `lang`).

    Evidence: third-party (path and item shape; one client used POST). Uncertain:
    whether this list is exactly the set dubbing accepts.

    Args:
        lang (str | Unset):  Default: 'en'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope]
    """

    kwargs = _get_kwargs(
        lang=lang,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    lang: str | Unset = "en",
) -> ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope | None:
    """List available languages

     The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
    name, in the language asked for with `lang`).

    Evidence: third-party (path and item shape; one client used POST). Uncertain:
    whether this list is exactly the set dubbing accepts.

    Args:
        lang (str | Unset):  Default: 'en'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope
    """

    return sync_detailed(
        client=client,
        lang=lang,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    lang: str | Unset = "en",
) -> Response[ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope]:
    """List available languages

     The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
    name, in the language asked for with `lang`).

    Evidence: third-party (path and item shape; one client used POST). Uncertain:
    whether this list is exactly the set dubbing accepts.

    Args:
        lang (str | Unset):  Default: 'en'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope]
    """

    kwargs = _get_kwargs(
        lang=lang,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    lang: str | Unset = "en",
) -> ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope | None:
    """List available languages

     The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
    name, in the language asked for with `lang`).

    Evidence: third-party (path and item shape; one client used POST). Uncertain:
    whether this list is exactly the set dubbing accepts.

    Args:
        lang (str | Unset):  Default: 'en'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ErrorEnvelope | LanguageListEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            lang=lang,
        )
    ).parsed
