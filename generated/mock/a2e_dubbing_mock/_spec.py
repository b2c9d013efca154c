"""The spec's data the mock runs on (A2E AI Dubbing API, 2025.02.25).

Generated from openapi/a2e-dubbing.yaml by a2e-dubbing's generator: do not edit.
"""

from __future__ import annotations

from typing import Any, Final

from ._operation import BodySpec, OperationSpec, ParamSpec

API_TITLE: Final = "A2E AI Dubbing API"
API_VERSION: Final = "2025.02.25"

# info.x-a2e-max-body-bytes: a larger request body is answered with 413.
MAX_BODY_BYTES: Final = 1048576

# components.schemas, the targets of every `$ref` below.
SCHEMAS: Final[dict[str, Any]] = {
    "Envelope": {
        "type": "object",
        "description": "Every A2E answer. `code` 0 is success; any other value is an error "
        "described by\n"
        "`msg`. `data` is left untyped here: each payload has its own wrapper "
        "below.\n",
        "required": ["code"],
        "properties": {
            "code": {
                "type": "integer",
                "description": "0 on success; A2E's own error code otherwise "
                "(codes are unpublished).",
            },
            "msg": {
                "type": "string",
                "description": "Human-readable message; always present on errors.",
            },
            "trace_id": {
                "type": "string",
                "description": "Request id of newer A2E answers (official-sibling), a UUID.",
                "format": "uuid",
            },
            "data": {"description": "The payload; its type depends on the operation."},
        },
    },
    "ErrorEnvelope": {
        "description": "An error answer. `code` is not 0; `msg` says what was wrong.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "msg"],
                "properties": {"code": {"type": "integer", "not": {"const": 0}}},
            },
        ],
    },
    "DubbingTaskEnvelope": {
        "description": "A success answer carrying one dubbing task.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {"$ref": "#/components/schemas/DubbingTask"},
                },
            },
        ],
    },
    "DubbingTaskPageEnvelope": {
        "description": "A success answer carrying one page of dubbing tasks.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {"$ref": "#/components/schemas/DubbingTaskPage"},
                },
            },
        ],
    },
    "DubbingTaskListEnvelope": {
        "description": "A success answer carrying a list of dubbing tasks.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/DubbingTask"},
                    },
                },
            },
        ],
    },
    "DeleteEnvelope": {
        "description": "A success answer to a delete; `data` is unknown and left untyped.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    }
                },
            },
        ],
    },
    "RemainingCoinsEnvelope": {
        "description": "A success answer carrying the caller's balance.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {"$ref": "#/components/schemas/RemainingCoins"},
                },
            },
        ],
    },
    "LanguageListEnvelope": {
        "description": "A success answer carrying the available languages.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Language"}},
                },
            },
        ],
    },
    "TransferEnvelope": {
        "description": "A success answer carrying the URL of the stored copy.",
        "allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {
                "type": "object",
                "required": ["code", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 0,
                        "description": "Always 0 on success.",
                    },
                    "data": {"$ref": "#/components/schemas/TransferResult"},
                },
            },
        ],
    },
    "ObjectId": {
        "type": "string",
        "description": "A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.",
        "pattern": "^[0-9a-f]{24}$",
        "example": "66ea4dd87db10c73fa29b570",
    },
    "LanguageCode": {
        "type": "string",
        "title": "language",
        "x-a2e-values-from": "listLanguages",
        "description": "A language code such as `en`, `zh` or `pt-BR`: one of the "
        "`value`s that List\n"
        "available languages answers. A code of this syntax that is not "
        "in that list is\n"
        "refused with 422 (our choice: which codes A2E's dubbing accepts "
        "is unknown). The\n"
        "syntax is our choice too, wide enough for every code seen in "
        "clients.\n",
        "pattern": "^[a-z]{2,3}(-[A-Za-z]{2,4})?$",
        "example": "en",
    },
    "SourceLanguageCode": {
        "type": "string",
        "description": "A language code, or `auto` to let A2E detect the language.",
        "pattern": "^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$",
        "example": "auto",
    },
    "DubbingStatus": {
        "type": "string",
        "description": "Where a task is: `initialized` and `sent` (accepted, queued), "
        "`processing`, then\n"
        "`completed` (see `result_url`) or `failed` (see "
        "`faild_message`). A2E may add words;\n"
        "clients must not break on an unknown one.\n",
        "enum": ["initialized", "sent", "processing", "completed", "failed"],
    },
    "StartDubbingRequest": {
        "type": "object",
        "description": "What to dub and how.",
        "required": ["source_url", "target_lang"],
        "properties": {
            "source_url": {
                "type": "string",
                "format": "uri",
                "pattern": "^https?://",
                "maxLength": 2048,
                "description": "URL of the audio, or of a "
                "video whose audio is used. "
                "A2E must be able to fetch "
                "it.",
            },
            "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 256,
                "description": "A name for the task, shown in "
                "A2E's web UI (limits are our "
                "choice).",
            },
            "target_lang": {"$ref": "#/components/schemas/LanguageCode"},
            "source_lang": {
                "type": "string",
                "title": "language",
                "description": "The language spoken in the source, or `auto` to let A2E detect it.",
                "pattern": "^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$",
                "default": "auto",
                "x-a2e-values-from": "listLanguages",
            },
            "num_speakers": {
                "type": "integer",
                "minimum": 1,
                "maximum": 50,
                "default": 1,
                "description": "How many different voices "
                "the input has (the "
                "maximum is our choice).",
            },
            "drop_background_audio": {
                "type": "boolean",
                "default": False,
                "description": "Leave out the input's music and noise in the result.",
            },
        },
    },
    "DubbingTask": {
        "type": "object",
        "x-a2e-cli-columns": {
            "id": "_id",
            "name": "name",
            "status": "current_status",
            "to": "target_lang",
            "created": "createdAt",
            "result": "result_url",
        },
        "description": "A dubbing task record, exactly as the seed's answer shows it (the "
        "misspelled\n"
        "`faild_message` is A2E's own). Newer A2E modules add "
        "`failed_message` and\n"
        "`failed_code`; they are optional here.\n",
        "required": [
            "_id",
            "user_id",
            "name",
            "source_url",
            "current_status",
            "source_lang",
            "target_lang",
            "num_speakers",
            "drop_background_audio",
            "duration",
            "result_url",
            "faild_message",
            "createdAt",
            "updatedAt",
        ],
        "properties": {
            "_id": {"$ref": "#/components/schemas/ObjectId"},
            "user_id": {"$ref": "#/components/schemas/ObjectId"},
            "name": {"type": "string"},
            "source_url": {"type": "string", "format": "uri"},
            "current_status": {"$ref": "#/components/schemas/DubbingStatus"},
            "source_lang": {"$ref": "#/components/schemas/SourceLanguageCode"},
            "target_lang": {"$ref": "#/components/schemas/LanguageCode"},
            "num_speakers": {"type": "integer", "minimum": 1},
            "drop_background_audio": {"type": "boolean"},
            "duration": {
                "type": "number",
                "minimum": 0,
                "description": "Length of the source in seconds.",
            },
            "result_url": {
                "type": "string",
                "pattern": "^(https?://.*)?$",
                "description": "URL of the dubbed audio once `completed`; the empty string before.",
            },
            "faild_message": {
                "type": ["string", "null"],
                "description": "Why the task failed (sic, A2E's "
                "spelling); empty or null "
                "otherwise.",
            },
            "failed_message": {
                "type": ["string", "null"],
                "description": "Newer modules' failure message (official-sibling); optional.",
            },
            "failed_code": {
                "type": ["string", "null"],
                "description": "Newer modules' failure code (official-sibling); optional.",
            },
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
        },
    },
    "DubbingTaskPage": {
        "type": "object",
        "description": "One page of tasks and the total number of tasks.",
        "required": ["rows", "count"],
        "properties": {
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/DubbingTask"}},
            "count": {"type": "integer", "minimum": 0},
        },
    },
    "RemainingCoins": {
        "type": "object",
        "required": ["coins", "diamonds"],
        "properties": {
            "coins": {"type": "number", "description": "Credits left for tasks."},
            "diamonds": {"type": "number", "description": "A2E's second balance."},
        },
    },
    "Language": {
        "type": "object",
        "x-a2e-cli-columns": {"code": "value", "name": "label"},
        "required": ["value", "label"],
        "properties": {
            "value": {"$ref": "#/components/schemas/LanguageCode"},
            "label": {"type": "string", "description": "The language's name."},
        },
    },
    "TransferRequest": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {
                "type": "string",
                "format": "uri",
                "pattern": "^https?://",
                "maxLength": 2048,
                "description": "The file to copy.",
            }
        },
    },
    "TransferResult": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {
                "type": "string",
                "format": "uri",
                "description": "Where the copy is in A2E's storage.",
            }
        },
    },
}

# operationId -> `data` of the operation's first documented success example.
EXAMPLES: Final[dict[str, Any]] = {
    "startDubbing": {
        "name": "test",
        "source_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV",
        "current_status": "sent",
        "source_lang": "auto",
        "target_lang": "en",
        "num_speakers": 1,
        "drop_background_audio": False,
        "duration": 51,
        "result_url": "",
        "faild_message": "",
        "_id": "66ea4dd87db10c73fa29b570",
        "user_id": "665da3d7bcf6ab778bad0f6a",
        "createdAt": "2024-09-18T03:49:44.704Z",
        "updatedAt": "2024-09-18T03:49:44.704Z",
    },
    "listDubbingTasks": {
        "rows": [
            {
                "name": "test",
                "source_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV",
                "current_status": "completed",
                "source_lang": "auto",
                "target_lang": "en",
                "num_speakers": 1,
                "drop_background_audio": False,
                "duration": 51,
                "result_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_dubbing/66ea4dd87db10c73fa29b570/result.wav",
                "faild_message": "",
                "_id": "66ea4dd87db10c73fa29b570",
                "user_id": "665da3d7bcf6ab778bad0f6a",
                "createdAt": "2024-09-18T03:49:44.704Z",
                "updatedAt": "2024-09-18T03:52:10.118Z",
            }
        ],
        "count": 1,
    },
    "listProcessingDubbingTasks": [
        {
            "name": "test",
            "source_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV",
            "current_status": "processing",
            "source_lang": "auto",
            "target_lang": "en",
            "num_speakers": 1,
            "drop_background_audio": False,
            "duration": 51,
            "result_url": "",
            "faild_message": "",
            "_id": "66ea4dd87db10c73fa29b570",
            "user_id": "665da3d7bcf6ab778bad0f6a",
            "createdAt": "2024-09-18T03:49:44.704Z",
            "updatedAt": "2024-09-18T03:50:02.310Z",
        }
    ],
    "getDubbingTask": {
        "name": "test",
        "source_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV",
        "current_status": "completed",
        "source_lang": "auto",
        "target_lang": "en",
        "num_speakers": 1,
        "drop_background_audio": False,
        "duration": 51,
        "result_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_dubbing/66ea4dd87db10c73fa29b570/result.wav",
        "faild_message": "",
        "_id": "66ea4dd87db10c73fa29b570",
        "user_id": "665da3d7bcf6ab778bad0f6a",
        "createdAt": "2024-09-18T03:49:44.704Z",
        "updatedAt": "2024-09-18T03:52:10.118Z",
    },
    "getRemainingCoins": {"coins": 1200, "diamonds": 0},
    "listLanguages": [{"value": "en", "label": "English"}, {"value": "zh", "label": "Chinese"}],
    "transferToStorage": {
        "url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/transfer/interview.mp3"
    },
}

OPERATIONS: Final[tuple[OperationSpec, ...]] = (
    # Start dubbing
    OperationSpec(
        operation_id="startDubbing",
        method="POST",
        path="/api/v1/userDubbing/startDubbing",
        params=(),
        body=BodySpec(
            required=True,
            schema={"$ref": "#/components/schemas/StartDubbingRequest"},
            defaults={"source_lang": "auto", "num_speakers": 1, "drop_background_audio": False},
            url_fields=tuple(["source_url"]),
        ),
        statuses=frozenset(["200", "400", "401", "413", "415", "422", "429", "5XX"]),
    ),
    # List dubbing tasks
    OperationSpec(
        operation_id="listDubbingTasks",
        method="GET",
        path="/api/v1/userDubbing/allRecords",
        params=(
            ParamSpec(
                name="pageNum",
                location="query",
                required=False,
                schema={"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1},
                default=1,
            ),
            ParamSpec(
                name="pageSize",
                location="query",
                required=False,
                schema={"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                default=10,
            ),
        ),
        body=None,
        statuses=frozenset(["200", "400", "401", "429", "5XX"]),
    ),
    # List all processing dubbing tasks
    OperationSpec(
        operation_id="listProcessingDubbingTasks",
        method="GET",
        path="/api/v1/userDubbing/processingRecord",
        params=(),
        body=None,
        statuses=frozenset(["200", "401", "429", "5XX"]),
    ),
    # Get details
    OperationSpec(
        operation_id="getDubbingTask",
        method="GET",
        path="/api/v1/userDubbing/detail",
        params=(
            ParamSpec(
                name="_id",
                location="query",
                required=True,
                schema={
                    "type": "string",
                    "description": "A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.",
                    "pattern": "^[0-9a-f]{24}$",
                    "example": "66ea4dd87db10c73fa29b570",
                },
                default=None,
            ),
        ),
        body=None,
        statuses=frozenset(["200", "400", "401", "404", "429", "5XX"]),
    ),
    # Delete record
    OperationSpec(
        operation_id="deleteDubbingTask",
        method="DELETE",
        path="/api/v1/userDubbing/{_id}",
        params=(
            ParamSpec(
                name="_id",
                location="path",
                required=True,
                schema={
                    "type": "string",
                    "description": "A 24-digit lowercase hexadecimal id, as every A2E record id seen so far.",
                    "pattern": "^[0-9a-f]{24}$",
                    "example": "66ea4dd87db10c73fa29b570",
                },
                default=None,
            ),
        ),
        body=None,
        statuses=frozenset(["200", "400", "401", "404", "429", "5XX"]),
    ),
    # Get user remaining credits
    OperationSpec(
        operation_id="getRemainingCoins",
        method="GET",
        path="/api/v1/user/remainingCoins",
        params=(),
        body=None,
        statuses=frozenset(["200", "401", "429", "5XX"]),
    ),
    # List available languages
    OperationSpec(
        operation_id="listLanguages",
        method="GET",
        path="/api/v1/anchor/language_list",
        params=(
            ParamSpec(
                name="lang",
                location="query",
                required=False,
                schema={
                    "type": "string",
                    "title": "language",
                    "x-a2e-values-from": "listLanguages",
                    "pattern": "^[a-z]{2,3}(-[A-Za-z]{2,4})?$",
                    "default": "en",
                },
                default="en",
            ),
        ),
        body=None,
        statuses=frozenset(["200", "400", "401", "429", "5XX"]),
    ),
    # Save URL to A2E's storage
    OperationSpec(
        operation_id="transferToStorage",
        method="POST",
        path="/api/v1/tos/transferToStorage",
        params=(),
        body=BodySpec(
            required=True,
            schema={"$ref": "#/components/schemas/TransferRequest"},
            defaults={},
            url_fields=tuple(["url"]),
        ),
        statuses=frozenset(["200", "400", "401", "413", "415", "422", "429", "5XX"]),
    ),
)
