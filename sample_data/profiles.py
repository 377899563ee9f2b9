"""The sign-up feed of one chunk: demographics, geography, consent and, for businesses, firmographics.

Each field is drawn from the customer's persona, one vectorised draw per field for the whole
chunk. About 3 % of birth dates are left empty, as a real sign-up form would lose them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from sample_data.columns import labels, padded_id
from sample_data.customers import Customers
from sample_data.geography import COMPANY_SUFFIXES, COUNTRIES, places
from sample_data.persona import Persona, parameter, probability_table
from sample_data.sampling import categorical
from sample_data.timeline import DAYS_PER_YEAR, Timeline
from sample_data.vocabulary import (
    ACQUISITION_CHANNELS,
    CHILDREN,
    EDUCATION_LEVELS,
    EMAIL_DOMAINS,
    FEMALE_FIRST_NAMES,
    GENDERS,
    INDUSTRIES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    MARITAL_STATUSES,
    OPT_IN_OFFERS,
    URBANICITIES,
)

SIGNUP_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "signed_up_at",
    "email",
    "birth_date",
    "gender",
    "marital_status",
    "children",
    "income",
    "education",
    "country",
    "region",
    "city",
    "urbanicity",
    "acquisition_channel",
    "opt_in_offer",
    "marketing_consent",
    "company",
    "industry",
    "employee_count",
)
MISSING_BIRTH_DATE_SHARE = 0.03
AGE_RANGE_YEARS = (18.0, 95.0)
INDUSTRY_WORDS: dict[str, str] = {
    "retail": "Retail",
    "manufacturing": "Manufacturing",
    "healthcare": "Health",
    "education": "Learning",
    "hospitality": "Hospitality",
    "technology": "Systems",
    "construction": "Building",
    "professional_services": "Consulting",
    "logistics": "Logistics",
    "public_sector": "Services",
}
EMPLOYEES_MEDIAN, EMPLOYEES_LOG_SD, EMPLOYEES_MAX = 35.0, 1.3, 20_000
EMAIL_MULTIPLIER = 7_368_787  # coprime to 10: n -> (a * n + c) mod 10^k is then a bijection


def _email_numbers(numbers: np.ndarray, total_customers: int) -> np.ndarray:
    """A scrambled but unique number per customer, so `first.last<number>@...` never collides."""
    modulus = 10 ** max(4, len(str(total_customers)) + 1)
    return (numbers * EMAIL_MULTIPLIER + 40_499) % modulus


def _company_suffix_table() -> tuple[list[str], int]:
    """Legal-form suffixes (Inc, Ltd, GmbH, ...) laid out `width` per country, repeating to fill."""
    width = max(len(s) for s in COMPANY_SUFFIXES.values())
    table = [COMPANY_SUFFIXES[c][i % len(COMPANY_SUFFIXES[c])] for c in COUNTRIES for i in range(width)]
    return table, width


def signups_frame(
    rng: np.random.Generator,
    customers: Customers,
    personas: Sequence[Persona],
    timeline: Timeline,
    *,
    total_customers: int,
    id_digits: int,
) -> pl.DataFrame:
    """One sign-up row per customer of the chunk, columns as in `SIGNUP_COLUMNS`."""
    n, who = customers.count, customers.persona

    def draw(field: str, vocabulary: Sequence[object]) -> pl.Series:
        return labels(vocabulary, categorical(rng, probability_table(personas, field, vocabulary)[who]))

    age = rng.normal(parameter(personas, "age_years.0")[who], parameter(personas, "age_years.1")[who])
    birth_day = np.floor(timeline.as_of_days - np.clip(age, *AGE_RANGE_YEARS) * DAYS_PER_YEAR).astype(np.int64)
    gender = categorical(rng, probability_table(personas, "genders", GENDERS)[who])
    income = rng.lognormal(np.log(parameter(personas, "income_usd.0")[who]), parameter(personas, "income_usd.1")[who])
    country = categorical(rng, probability_table(personas, "countries", COUNTRIES)[who])
    urbanicity = categorical(rng, probability_table(personas, "urbanicities", URBANICITIES)[who])
    where = places(country, urbanicity, rng)
    # non-binary and undisclosed customers get a name from either list
    female_name = (gender == GENDERS.index("female")) | ((gender >= 2) & (rng.random(n) < 0.5))
    first_name = np.where(
        female_name,
        rng.integers(0, len(FEMALE_FIRST_NAMES), n),
        len(FEMALE_FIRST_NAMES) + rng.integers(0, len(MALE_FIRST_NAMES), n),
    )
    industry = rng.integers(0, len(INDUSTRIES), n)
    suffixes, width = _company_suffix_table()
    employees = np.clip(np.round(rng.lognormal(np.log(EMPLOYEES_MEDIAN), EMPLOYEES_LOG_SD, n)), 1, EMPLOYEES_MAX)

    frame = pl.DataFrame(
        {
            "number": customers.number,
            "signed_up_at": customers.signed_up_at,
            "first_name": labels((*FEMALE_FIRST_NAMES, *MALE_FIRST_NAMES), first_name),
            "last_name": labels(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n)),
            "email_number": _email_numbers(customers.number, total_customers),
            "domain": labels(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), n)),
            "birth_day": birth_day,
            "birth_missing": rng.random(n) < MISSING_BIRTH_DATE_SHARE,
            "gender": labels(GENDERS, gender),
            "marital_status": draw("marital_statuses", MARITAL_STATUSES),
            "children": draw("children", CHILDREN),
            "income": (np.round(income / 100) * 100).astype(np.int64),
            "education": draw("education_levels", EDUCATION_LEVELS),
            "country": where.country,
            "region": where.region,
            "city": where.city,
            "urbanicity": where.urbanicity,
            "acquisition_channel": draw("acquisition_channels", ACQUISITION_CHANNELS),
            "opt_in_offer": draw("opt_in_offers", OPT_IN_OFFERS),
            "marketing_consent": rng.random(n) < parameter(personas, "marketing_consent")[who],
            "is_business": parameter(personas, "is_business")[who] > 0,
            "company_name": labels([name.capitalize() for name in LAST_NAMES], rng.integers(0, len(LAST_NAMES), n)),
            "company_word": labels([INDUSTRY_WORDS[i] for i in INDUSTRIES], industry),
            "company_suffix": labels(suffixes, country * width + rng.integers(0, width, n)),
            "industry": labels(INDUSTRIES, industry),
            "employee_count": employees.astype(np.int64),
        }
    )
    business = pl.col("is_business")
    return frame.select(
        padded_id("C", pl.col("number"), id_digits).alias("customer_id"),
        pl.from_epoch("signed_up_at", time_unit="s").alias("signed_up_at"),
        pl.concat_str("first_name", pl.lit("."), "last_name", "email_number", pl.lit("@"), "domain").alias("email"),
        pl.when(~pl.col("birth_missing")).then(pl.col("birth_day").cast(pl.Int32).cast(pl.Date)).alias("birth_date"),
        *SIGNUP_COLUMNS[4:16],
        pl.when(business)
        .then(pl.concat_str("company_name", "company_word", "company_suffix", separator=" "))
        .alias("company"),
        pl.when(business).then(pl.col("industry")).alias("industry"),
        pl.when(business).then(pl.col("employee_count")).alias("employee_count"),
    )
