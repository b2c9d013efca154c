from .._runtime import OpenStrEnum


class DubbingStatus(OpenStrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    INITIALIZED = "initialized"
    PROCESSING = "processing"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
