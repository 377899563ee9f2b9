"""The lookups a user supplies with the feeds configuration, as raw tables dbt reads: rates and a codebook.

Each is rewritten on every refresh from the configuration (`reporting_currency`, `currency_rates`,
`survey_codebook`), so a changed file takes effect at once, whatever the feeds' files did.
"""

import dagster as dg

from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.ingest.currency import write_rates
from assets.ingest.survey_codebook import write_codebook
from orchestration.resources import Landing, Warehouse

CURRENCY_RATES = dg.AssetKey(["raw", "currency_rates"])
SURVEY_CODEBOOK = dg.AssetKey(["raw", "survey_codebook"])


@dg.asset(
    key=CURRENCY_RATES,
    description=(
        "One row per currency and date its rate is valid from (null: always): units of the reporting currency "
        "per unit. The reporting currency (`reporting_currency`, default USD) is the row with is_reporting, at "
        "rate 1; the others come from the `currency_rates` file of the feeds configuration. dbt converts "
        "purchase amounts with them (`stg_shop__purchases`)."
    ),
    group_name="ingest",
    kinds={"duckdb", "csv"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def currency_rates(warehouse: Warehouse, landing: Landing) -> dg.MaterializeResult:
    lookups = landing.pipeline_config().lookups
    with warehouse.connect() as con:
        write_rates(con, lookups)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(lookups.rates().height),
            "reporting_currency": dg.MetadataValue.text(lookups.reporting_currency),
            "rates_file": dg.MetadataValue.text(str(lookups.currency_rates or "none (one currency)")),
        }
    )


@dg.asset(
    key=SURVEY_CODEBOOK,
    description=(
        "One row per survey question of the codebook supplied with the feeds configuration (`survey_codebook`, "
        "a CSV with the columns of the shipped seed): dimension, scale and reverse scoring. No rows when none "
        "is supplied: dbt then scores answers with the shipped seed (`int_survey_codebook_resolved`)."
    ),
    group_name="ingest",
    kinds={"duckdb", "csv"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def survey_codebook(warehouse: Warehouse, landing: Landing) -> dg.MaterializeResult:
    lookups = landing.pipeline_config().lookups
    with warehouse.connect() as con:
        questions = write_codebook(con, lookups)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(questions),
            "codebook": dg.MetadataValue.text(str(lookups.survey_codebook or "the shipped seed survey_codebook")),
        }
    )


lookup_assets = [currency_rates, survey_codebook]
