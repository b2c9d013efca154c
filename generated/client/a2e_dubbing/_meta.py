"""Facts about this package and the API it was generated from."""

VERSION = "0.1.0"
API_TITLE = "A2E AI Dubbing API"
API_VERSION = "2025.02.25"
DEFAULT_BASE_URL = "https://video.a2e.ai"
SERVERS = (
    ("https://video.a2e.ai", "Global server (evidence seed)."),
    ("https://video.a2e.com.cn", "China server (evidence third-party)."),
)

# The task lifecycle's terminal words (x-a2e-lifecycle of the status schema): `wait`
# returns the task at RESULT_STATUS and raises TaskFailedError at FAILURE_STATUS; any other
# word, unfinished or unknown to this client, keeps it polling.
RESULT_STATUS = "completed"
FAILURE_STATUS = "failed"
# Attributes of a task record that say why it failed, messages first (x-a2e-mock hints).
FAILURE_FIELDS = ("faild_message", "failed_message", "failed_code")
