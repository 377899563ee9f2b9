"""The fixed value lists the feeds use, in one place.

Generators draw integer codes and translate them through these tuples, so a persona's weights,
the vectorised sampling and the written labels always agree on order.
"""

from __future__ import annotations

GENDERS: tuple[str, ...] = ("female", "male", "non_binary", "undisclosed")
MARITAL_STATUSES: tuple[str, ...] = ("single", "married", "divorced", "widowed")
CHILDREN: tuple[int, ...] = (0, 1, 2, 3, 4)
EDUCATION_LEVELS: tuple[str, ...] = ("secondary", "vocational", "bachelor", "master", "doctorate")
URBANICITIES: tuple[str, ...] = ("urban", "suburban", "rural")
ACQUISITION_CHANNELS: tuple[str, ...] = (
    "organic_search",
    "paid_search",
    "social",
    "referral",
    "email",
    "affiliate",
    "store",
)
OPT_IN_OFFERS: tuple[str, ...] = ("welcome10", "free_shipping", "none")
ORDER_CHANNELS: tuple[str, ...] = ("web", "app", "store", "phone")
CONTACT_CHANNELS: tuple[str, ...] = ("email", "sms", "phone", "post", "app")
CATEGORIES: tuple[str, ...] = (
    "electronics",
    "games",
    "home",
    "garden",
    "kids",
    "grocery",
    "fashion",
    "beauty",
    "books",
    "sports",
    "office",
)
INDUSTRIES: tuple[str, ...] = (
    "retail",
    "manufacturing",
    "healthcare",
    "education",
    "hospitality",
    "technology",
    "construction",
    "professional_services",
    "logistics",
    "public_sector",
)
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org")

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "anna", "emma", "olivia", "sophia", "mia", "charlotte", "amelia", "grace", "chloe", "lucy",
    "hannah", "laura", "julia", "sarah", "emily", "claire", "nora", "ella", "lea", "marie",
    "isabel", "ruth", "margaret", "helen", "susan", "karen", "linda", "maya", "zoe", "ava",
)  # fmt: skip
MALE_FIRST_NAMES: tuple[str, ...] = (
    "james", "oliver", "noah", "liam", "lucas", "ben", "jonas", "paul", "max", "leon",
    "thomas", "daniel", "david", "michael", "peter", "robert", "william", "henry", "jack", "ethan",
    "samuel", "felix", "adam", "george", "frank", "walter", "arthur", "owen", "ryan", "matthew",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "smith", "johnson", "brown", "taylor", "miller", "wilson", "moore", "clark", "walker", "hall",
    "young", "king", "wright", "scott", "green", "baker", "adams", "nelson", "hill", "campbell",
    "mitchell", "roberts", "carter", "phillips", "evans", "turner", "parker", "collins", "edwards",
    "stewart", "morris", "murphy", "cook", "rogers", "morgan", "cooper", "peterson", "reed", "bailey",
    "bell", "kelly", "howard", "ward", "cox", "richardson", "wood", "watson", "brooks", "bennett",
    "gray", "james", "hughes", "price", "sanders", "myers", "long", "ross", "foster", "schmidt",
    "fischer", "weber", "wagner", "becker", "hoffmann", "schulz", "koch", "richter", "wolf", "tremblay",
    "gagnon", "roy", "cote", "bouchard", "gauthier", "morin", "lavoie", "fortin", "thompson", "davies",
)  # fmt: skip
