"""`python -m services.realtime`: serve the realtime role of every run that reaches this replica."""

import sys

from lean_core.engine.topology import Role
from services.common.main import main

sys.exit(main(Role.REALTIME))
