"""The async code of the client, the single source of its sync twin: `_sync/` is generated
from this folder by unasync (the names it renames are the generator's `UNASYNC_NAMES`)."""
