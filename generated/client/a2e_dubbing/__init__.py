"""Python client of the A2E AI Dubbing API (sync and async).

from a2e_dubbing import A2E

client = A2E()  # reads A2E_API_KEY
task = client.dubbing.start(source_url="https://example.com/talk.mp3", target_lang="en")
task = client.dubbing.wait(task.id)
print(task.result_url)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    A2EError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    TaskFailedError,
    WaitTimeoutError,
)
from ._meta import VERSION as __version__
from ._options import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._client import A2E, AsyncA2E
    from ._response import APIResponse
    from ._retry import RetryEvent
    from .models.delete_envelope import DeleteEnvelope
    from .models.dubbing_status import DubbingStatus
    from .models.dubbing_task import DubbingTask
    from .models.dubbing_task_envelope import DubbingTaskEnvelope
    from .models.dubbing_task_list_envelope import DubbingTaskListEnvelope
    from .models.dubbing_task_page import DubbingTaskPage
    from .models.dubbing_task_page_envelope import DubbingTaskPageEnvelope
    from .models.envelope import Envelope
    from .models.error_envelope import ErrorEnvelope
    from .models.language import Language
    from .models.language_list_envelope import LanguageListEnvelope
    from .models.remaining_coins import RemainingCoins
    from .models.remaining_coins_envelope import RemainingCoinsEnvelope
    from .models.start_dubbing_request import StartDubbingRequest
    from .models.transfer_envelope import TransferEnvelope
    from .models.transfer_request import TransferRequest
    from .models.transfer_result import TransferResult

_LAZY = {
    "A2E": "._client",
    "AsyncA2E": "._client",
    "APIResponse": "._response",
    "RetryEvent": "._retry",
    "DeleteEnvelope": ".models.delete_envelope",
    "DubbingStatus": ".models.dubbing_status",
    "DubbingTask": ".models.dubbing_task",
    "DubbingTaskEnvelope": ".models.dubbing_task_envelope",
    "DubbingTaskListEnvelope": ".models.dubbing_task_list_envelope",
    "DubbingTaskPage": ".models.dubbing_task_page",
    "DubbingTaskPageEnvelope": ".models.dubbing_task_page_envelope",
    "Envelope": ".models.envelope",
    "ErrorEnvelope": ".models.error_envelope",
    "Language": ".models.language",
    "LanguageListEnvelope": ".models.language_list_envelope",
    "RemainingCoins": ".models.remaining_coins",
    "RemainingCoinsEnvelope": ".models.remaining_coins_envelope",
    "StartDubbingRequest": ".models.start_dubbing_request",
    "TransferEnvelope": ".models.transfer_envelope",
    "TransferRequest": ".models.transfer_request",
    "TransferResult": ".models.transfer_result",
}

__all__ = [
    "A2E",
    "NOT_GIVEN",
    "A2EError",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncA2E",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryEvent",
    "TaskFailedError",
    "WaitTimeoutError",
    "__version__",
    "DeleteEnvelope",
    "DubbingStatus",
    "DubbingTask",
    "DubbingTaskEnvelope",
    "DubbingTaskListEnvelope",
    "DubbingTaskPage",
    "DubbingTaskPageEnvelope",
    "Envelope",
    "ErrorEnvelope",
    "Language",
    "LanguageListEnvelope",
    "RemainingCoins",
    "RemainingCoinsEnvelope",
    "StartDubbingRequest",
    "TransferEnvelope",
    "TransferRequest",
    "TransferResult",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
