"""The spec's data the mock runs on (A2E AI Dubbing API, 2025.02.25).

Generated from openapi/a2e-dubbing.yaml by a2e-dubbing's generator: do not edit.
"""

from __future__ import annotations

from typing import Any, Final

from ._operation import BodySpec, OperationSpec, ParamSpec
from ._shape import FieldSpec, LifecycleSpec, RecordSpec

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
        "x-a2e-lifecycle": {
            "initial": "sent",
            "path": ["sent", "processing", "completed"],
            "unfinished": ["initialized", "sent", "processing"],
            "result": "completed",
            "failure": "failed",
        },
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
            "target_lang": {"$ref": "#/components/schemas/LanguageCode", "x-a2e-mock": "language"},
            "source_lang": {
                "type": "string",
                "description": "The language spoken in the source, or `auto` to let A2E detect it.",
                "pattern": "^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$",
                "default": "auto",
                "x-a2e-mock": "language",
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
        "description": "A dubbing task record, exactly as the seed's answer shows it, in "
        "its order (the\n"
        "misspelled `faild_message` is A2E's own). Newer A2E modules add "
        "`failed_message`\n"
        "and `failed_code`; they are optional here.\n",
        "required": [
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
            "_id",
            "user_id",
            "createdAt",
            "updatedAt",
        ],
        "properties": {
            "name": {"type": "string", "x-a2e-mock": {"default": ""}},
            "source_url": {"type": "string", "format": "uri"},
            "current_status": {
                "$ref": "#/components/schemas/DubbingStatus",
                "x-a2e-mock": "status",
            },
            "source_lang": {
                "$ref": "#/components/schemas/SourceLanguageCode",
                "x-a2e-mock": {"const": "auto"},
            },
            "target_lang": {"$ref": "#/components/schemas/LanguageCode"},
            "num_speakers": {"type": "integer", "minimum": 1},
            "drop_background_audio": {"type": "boolean"},
            "duration": {
                "type": "number",
                "minimum": 0,
                "description": "Length of the source in seconds.",
                "x-a2e-mock": "duration",
            },
            "result_url": {
                "type": "string",
                "pattern": "^(https?://.*)?$",
                "description": "URL of the dubbed audio once `completed`; the empty string before.",
                "x-a2e-mock": "result",
            },
            "faild_message": {
                "type": ["string", "null"],
                "description": "Why the task failed (sic, A2E's "
                "spelling); empty or null "
                "otherwise.",
                "x-a2e-mock": "failure-message",
            },
            "_id": {"$ref": "#/components/schemas/ObjectId", "x-a2e-mock": "id"},
            "user_id": {"$ref": "#/components/schemas/ObjectId", "x-a2e-mock": "tenant"},
            "createdAt": {"type": "string", "format": "date-time", "x-a2e-mock": "created"},
            "updatedAt": {"type": "string", "format": "date-time", "x-a2e-mock": "updated"},
            "failed_message": {
                "type": ["string", "null"],
                "description": "Newer modules' failure message (official-sibling); optional.",
                "x-a2e-mock": {"source": "failure-message", "when": "failure"},
            },
            "failed_code": {
                "type": ["string", "null"],
                "description": "Newer modules' failure code (official-sibling); optional.",
                "x-a2e-mock": {"source": "failure-code", "when": "failure"},
            },
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

# The task record, field by field in the spec's order: where the mock takes each value from
# (x-a2e-mock; the other fields echo the start request's namesake).
RECORD: Final = RecordSpec(
    start="startDubbing",
    request_fields=(
        "source_url",
        "name",
        "target_lang",
        "source_lang",
        "num_speakers",
        "drop_background_audio",
    ),
    url_fields=("source_url",),
    language_fields=("target_lang", "source_lang"),
    fields=(
        FieldSpec("name", "request", value="", has_value=True),
        FieldSpec("source_url", "request"),
        FieldSpec("current_status", "status"),
        FieldSpec("source_lang", "const", value="auto"),
        FieldSpec("target_lang", "request"),
        FieldSpec("num_speakers", "request", value=1, has_value=True),
        FieldSpec("drop_background_audio", "request", value=False, has_value=True),
        FieldSpec("duration", "duration"),
        FieldSpec("result_url", "result"),
        FieldSpec("faild_message", "failure-message"),
        FieldSpec("_id", "id"),
        FieldSpec("user_id", "tenant"),
        FieldSpec("createdAt", "created"),
        FieldSpec("updatedAt", "updated"),
        FieldSpec("failed_message", "failure-message", when="failure"),
        FieldSpec("failed_code", "failure-code", when="failure"),
    ),
)

# The lifecycle: x-a2e-lifecycle of the status schema.
LIFECYCLE: Final = LifecycleSpec(
    initial="sent",
    path=("sent", "processing", "completed"),
    unfinished=("initialized", "sent", "processing"),
    result="completed",
    failure="failed",
)
