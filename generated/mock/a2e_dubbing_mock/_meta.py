"""Facts about this package and the API it was generated from."""

VERSION = "0.1.0"
API_TITLE = "A2E AI Dubbing API"
API_VERSION = "2025.02.25"
