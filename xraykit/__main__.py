"""``python -m xraykit``: the same as the ``xraykit`` command."""

from xraykit.cli import main

raise SystemExit(main())
