"""``python -m chatnomina`` is the ``chatnomina`` command."""

from chatnomina.cli import main

raise SystemExit(main())
