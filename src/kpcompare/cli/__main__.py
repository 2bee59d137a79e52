"""``python -m kpcompare.cli``: the ``kpcompare`` command."""

import sys

from . import main

sys.exit(main())
