"""`python -m lebongbisa ...`: the same commands as `lebongbisa ...`, where no script is on the
PATH (Windows offices without make: see the README)."""

import sys

from lebongbisa.cli import main

sys.exit(main())
