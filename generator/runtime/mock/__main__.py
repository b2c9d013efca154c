"""`python -m a2e_dubbing_mock serve ...`."""

import sys

from ._cli import main

sys.exit(main())
