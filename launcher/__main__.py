"""``python -m launcher``: the whole assistant on one machine (``launcher.assistant``)."""

import sys

from launcher.assistant import main

sys.exit(main())
