"""`python -m bot` is the `dondoc` command."""

import sys

from bot.cli import main

sys.exit(main())
