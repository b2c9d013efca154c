"""Each operation of the spec bound to its handler in `_handlers` (named after its operationId).

Generated from openapi/a2e-dubbing.yaml by a2e-dubbing's generator: do not edit.
"""

from __future__ import annotations

from typing import Final

from . import _handlers
from ._context import Handler

HANDLERS: Final[dict[str, Handler]] = {
    "startDubbing": _handlers.start_dubbing,
    "listDubbingTasks": _handlers.list_dubbing_tasks,
    "listProcessingDubbingTasks": _handlers.list_processing_dubbing_tasks,
    "getDubbingTask": _handlers.get_dubbing_task,
    "deleteDubbingTask": _handlers.delete_dubbing_task,
    "getRemainingCoins": _handlers.get_remaining_coins,
    "listLanguages": _handlers.list_languages,
    "transferToStorage": _handlers.transfer_to_storage,
}
