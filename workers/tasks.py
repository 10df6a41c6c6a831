"""Every actor module, imported after the broker: the module ``dramatiq`` loads."""

from workers import broker  # noqa: F401  (must come first: it sets the global broker)
from workers import backups, exports, imports, payroll, system  # noqa: F401
