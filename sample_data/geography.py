"""A small, realistic geography: four countries, three regions each, one city per urbanicity.

Every region has an urban, a suburban and a rural city, so a persona's preference for a country
and an urbanicity always has cities to land in, and a city always implies its urbanicity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sample_data.columns import labels
from sample_data.vocabulary import URBANICITIES

# country -> region -> (urban city, suburban city, rural city)
GEOGRAPHY: dict[str, dict[str, tuple[str, str, str]]] = {
    "United States": {
        "California": ("San Francisco", "Fremont", "Ukiah"),
        "Texas": ("Houston", "Plano", "Fredericksburg"),
        "New York": ("New York City", "Yonkers", "Cooperstown"),
    },
    "United Kingdom": {
        "England": ("London", "Reading", "Bourton-on-the-Water"),
        "Scotland": ("Glasgow", "Livingston", "Pitlochry"),
        "Wales": ("Cardiff", "Barry", "Brecon"),
    },
    "Germany": {
        "Bavaria": ("Munich", "Freising", "Berchtesgaden"),
        "North Rhine-Westphalia": ("Cologne", "Leverkusen", "Monschau"),
        "Saxony": ("Leipzig", "Radebeul", "Meissen"),
    },
    "Canada": {
        "Ontario": ("Toronto", "Mississauga", "Huntsville"),
        "British Columbia": ("Vancouver", "Surrey", "Squamish"),
        "Quebec": ("Montreal", "Laval", "Baie-Saint-Paul"),
    },
}
COUNTRIES: tuple[str, ...] = tuple(GEOGRAPHY)
REGIONS_PER_COUNTRY = 3
COMPANY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "United States": ("Inc", "LLC", "Corp"),
    "United Kingdom": ("Ltd", "plc"),
    "Germany": ("GmbH", "AG"),
    "Canada": ("Inc", "Ltd"),
}


@dataclass(frozen=True)
class Places:
    """Country, region, city and urbanicity labels of a chunk of customers."""

    country: pl.Series
    region: pl.Series
    city: pl.Series
    urbanicity: pl.Series


def _flat_tables() -> tuple[list[str], list[str]]:
    """Region labels in (country, region) order and city labels in (country, region, urbanicity) order."""
    regions, cities = [], []
    for country, country_regions in GEOGRAPHY.items():
        if len(country_regions) != REGIONS_PER_COUNTRY:
            raise ValueError(f"GEOGRAPHY: {country} needs {REGIONS_PER_COUNTRY} regions")
        for region, region_cities in country_regions.items():
            if len(region_cities) != len(URBANICITIES):
                raise ValueError(f"GEOGRAPHY: {region} needs one city per urbanicity {URBANICITIES}")
            regions.append(region)
            cities.extend(region_cities)
    return regions, cities


def places(country: np.ndarray, urbanicity: np.ndarray, rng: np.random.Generator) -> Places:
    """Labels for customers given country and urbanicity codes; the region is drawn uniformly."""
    regions, cities = _flat_tables()
    region = country * REGIONS_PER_COUNTRY + rng.integers(0, REGIONS_PER_COUNTRY, size=country.shape[0])
    return Places(
        country=labels(COUNTRIES, country),
        region=labels(regions, region),
        city=labels(cities, region * len(URBANICITIES) + urbanicity),
        urbanicity=labels(URBANICITIES, urbanicity),
    )
