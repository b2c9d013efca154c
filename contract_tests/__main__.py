"""`python -m contract_tests` is `a2e-conformance`."""

import sys

from contract_tests._cli import main

sys.exit(main())
