"""The a2e-dubbing generator: one parse of the spec, one renderer per generated package.

python -m generator generate    # write generated/client and generated/mock
python -m generator check       # exit 1, with a short diff, when generated/ is stale
"""

from generator._build import build, check, generate
from generator._parse import GenerationError, ParsedSpec, parse

__all__ = ["GenerationError", "ParsedSpec", "build", "check", "generate", "parse"]
