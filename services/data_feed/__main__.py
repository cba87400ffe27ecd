"""`python -m services.data_feed`: serve the data-feed role of every run that reaches this replica."""

import sys

from lean_core.engine.topology import Role
from services.common.main import main

sys.exit(main(Role.DATA_FEED))
