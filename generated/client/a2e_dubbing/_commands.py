"""The commands of `a2e-dubbing`: one per high-level client method of the spec.

Generated from the spec (generator/_commands.py); `_cli` builds its parser from this table.
"""

from __future__ import annotations

from ._cli_spec import Column, CommandSpec, ParamSpec

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="start",
        resource="dubbing",
        method="start",
        summary="Start dubbing",
        description=(
            "Convert the audio in one language to another. The input is an audio URL, or a video URL whose "
            "audio is extracted. The voice is cloned from the input and the translation is spoken with it. "
            "Choose `source_lang`, `target_lang` and `num_speakers` with care. To change the lip motion of a "
            "video as well, pass the dubbed audio to A2E's avatar video API (`/api/v1/video/generate`), which "
            "is outside this document."
        ),
        writes=True,
        params=(
            ParamSpec(
                name="source_url",
                wire="source_url",
                location="body",
                kind="str",
                required=True,
                positional=True,
                help="URL of the audio, or of a video whose audio is used.",
                default=None,
                choices=(),
                model="",
                url=True,
                noun="",
                values_from="",
            ),
            ParamSpec(
                name="target_lang",
                wire="target_lang",
                location="body",
                kind="str",
                required=True,
                positional=False,
                help=(
                    "A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that List available languages "
                    "answers."
                ),
                default=None,
                choices=(),
                model="",
                url=False,
                noun="language",
                values_from="languages",
            ),
            ParamSpec(
                name="name",
                wire="name",
                location="body",
                kind="str",
                required=False,
                positional=False,
                help="A name for the task, shown in A2E's web UI (limits are our choice).",
                default=None,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
            ParamSpec(
                name="source_lang",
                wire="source_lang",
                location="body",
                kind="str",
                required=False,
                positional=False,
                help="The language spoken in the source, or `auto` to let A2E detect it.",
                default="auto",
                choices=(),
                model="",
                url=False,
                noun="language",
                values_from="languages",
            ),
            ParamSpec(
                name="num_speakers",
                wire="num_speakers",
                location="body",
                kind="int",
                required=False,
                positional=False,
                help="How many different voices the input has (the maximum is our choice).",
                default=1,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
            ParamSpec(
                name="drop_background_audio",
                wire="drop_background_audio",
                location="body",
                kind="bool",
                required=False,
                positional=False,
                help="Leave out the input's music and noise in the result.",
                default=False,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
        ),
    ),
    CommandSpec(
        name="list",
        resource="dubbing",
        method="list",
        summary="List dubbing tasks",
        description="One page of the caller's dubbing tasks, newest first, with the total count.",
        writes=False,
        params=(
            ParamSpec(
                name="page_num",
                wire="pageNum",
                location="query",
                kind="int",
                required=False,
                positional=False,
                help="Page number, from 1.",
                default=1,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
            ParamSpec(
                name="page_size",
                wire="pageSize",
                location="query",
                kind="int",
                required=False,
                positional=False,
                help="Tasks per page.",
                default=10,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
        ),
    ),
    CommandSpec(
        name="processing",
        resource="dubbing",
        method="list_processing",
        summary="List all processing dubbing tasks",
        description=(
            "Every task of the caller that has not finished yet (`initialized`, `sent` or `processing`), "
            "without paging."
        ),
        writes=False,
        params=(),
    ),
    CommandSpec(
        name="get",
        resource="dubbing",
        method="get",
        summary="Get details",
        description=(
            "The record of one dubbing task: its status, and `result_url` once `completed`. Result URLs are "
            "signed and said to expire after about 3 days (third-party)."
        ),
        writes=False,
        params=(
            ParamSpec(
                name="task_id",
                wire="_id",
                location="query",
                kind="str",
                required=True,
                positional=True,
                help="The `_id` of a dubbing task.",
                default=None,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
        ),
    ),
    CommandSpec(
        name="delete",
        resource="dubbing",
        method="delete",
        summary="Delete record",
        description="Delete one dubbing task record (and cancel it if it is still running).",
        writes=False,
        params=(
            ParamSpec(
                name="task_id",
                wire="_id",
                location="path",
                kind="str",
                required=True,
                positional=True,
                help="The `_id` of a dubbing task.",
                default=None,
                choices=(),
                model="",
                url=False,
                noun="",
                values_from="",
            ),
        ),
    ),
    CommandSpec(
        name="credits",
        resource="account",
        method="remaining_coins",
        summary="Get user remaining credits",
        description="The caller's remaining credits: `coins` (spent by tasks such as dubbing) and `diamonds`.",
        writes=False,
        params=(),
    ),
    CommandSpec(
        name="languages",
        resource="languages",
        method="list",
        summary="List available languages",
        description=(
            "The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its name, in the "
            "language asked for with `lang`)."
        ),
        writes=False,
        params=(
            ParamSpec(
                name="lang",
                wire="lang",
                location="query",
                kind="str",
                required=False,
                positional=False,
                help="Language of the labels (our choice of default, `en`).",
                default="en",
                choices=(),
                model="",
                url=False,
                noun="language",
                values_from="languages",
            ),
        ),
    ),
    CommandSpec(
        name="transfer",
        resource="storage",
        method="transfer",
        summary="Save URL to A2E's storage",
        description=(
            "Copy the file at `url` into A2E's storage and answer its new URL there, for use as a "
            "`source_url` that A2E can always reach."
        ),
        writes=False,
        params=(
            ParamSpec(
                name="url",
                wire="url",
                location="body",
                kind="str",
                required=True,
                positional=True,
                help="The file to copy.",
                default=None,
                choices=(),
                model="",
                url=True,
                noun="",
                values_from="",
            ),
        ),
    ),
)

# The table printed for a list of records of each model (x-a2e-cli-columns).
TABLES: dict[str, tuple[Column, ...]] = {
    "DubbingTask": (
        Column(header="id", field="_id", format=""),
        Column(header="name", field="name", format=""),
        Column(header="status", field="current_status", format=""),
        Column(header="to", field="target_lang", format=""),
        Column(header="created", field="createdAt", format="date-time"),
        Column(header="result", field="result_url", format=""),
    ),
    "Language": (
        Column(header="code", field="value", format=""),
        Column(header="name", field="label", format=""),
    ),
}
