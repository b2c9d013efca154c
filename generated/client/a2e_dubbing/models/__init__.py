"""The data models of the A2E API. Each loads on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .delete_envelope import DeleteEnvelope
    from .dubbing_status import DubbingStatus
    from .dubbing_task import DubbingTask
    from .dubbing_task_envelope import DubbingTaskEnvelope
    from .dubbing_task_list_envelope import DubbingTaskListEnvelope
    from .dubbing_task_page import DubbingTaskPage
    from .dubbing_task_page_envelope import DubbingTaskPageEnvelope
    from .envelope import Envelope
    from .error_envelope import ErrorEnvelope
    from .language import Language
    from .language_list_envelope import LanguageListEnvelope
    from .remaining_coins import RemainingCoins
    from .remaining_coins_envelope import RemainingCoinsEnvelope
    from .start_dubbing_request import StartDubbingRequest
    from .transfer_envelope import TransferEnvelope
    from .transfer_request import TransferRequest
    from .transfer_result import TransferResult

_MODULES = {
    "DeleteEnvelope": ".delete_envelope",
    "DubbingStatus": ".dubbing_status",
    "DubbingTask": ".dubbing_task",
    "DubbingTaskEnvelope": ".dubbing_task_envelope",
    "DubbingTaskListEnvelope": ".dubbing_task_list_envelope",
    "DubbingTaskPage": ".dubbing_task_page",
    "DubbingTaskPageEnvelope": ".dubbing_task_page_envelope",
    "Envelope": ".envelope",
    "ErrorEnvelope": ".error_envelope",
    "Language": ".language",
    "LanguageListEnvelope": ".language_list_envelope",
    "RemainingCoins": ".remaining_coins",
    "RemainingCoinsEnvelope": ".remaining_coins_envelope",
    "StartDubbingRequest": ".start_dubbing_request",
    "TransferEnvelope": ".transfer_envelope",
    "TransferRequest": ".transfer_request",
    "TransferResult": ".transfer_result",
}

__all__ = (
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
)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
