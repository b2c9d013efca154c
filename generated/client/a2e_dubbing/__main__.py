"""`python -m a2e_dubbing` runs the `a2e-dubbing` command line."""

import sys

from ._cli import main

sys.exit(main())
