"""Benchmarks of a2e-dubbing against its peers, side by side in one run.

`python -m benchmarks [--quick]` (or `nox -s bench`) measures the client against raw httpx
and a bare openapi-python-client, import time, the mock against Prism, generation time and
the mock at scale, then writes results.json, results.md and results.png next to this file.
"""
