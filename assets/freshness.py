"""How fresh the feeds and the published tables are expected to be: shown and evaluated by Dagster.

The refresh runs daily (05:00 UTC, `orchestration/schedules.py`): an asset last updated more than
a day and a couple of hours ago missed a refresh (warn); more than two days, two (fail).
"""

from datetime import timedelta

import dagster as dg

DAILY_REFRESH = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=50), warn_window=timedelta(hours=26))
