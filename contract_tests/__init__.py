"""Conformance checks of a2e-dubbing: the spec, the recordings, the client and the mock."""
