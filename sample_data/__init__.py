"""Sample feeds for the pipeline: a shop's sign-ups, order lines and survey answers, with ground truth.

Customers are drawn from a handful of planted personas that differ in demographics, geography,
survey answers and buying behaviour (BG/NBD purchases, Gamma-Gamma spend), so segmentation and
CLV models can be checked against `_truth/` in the landing folder.
"""

from sample_data.generate import GenerationSummary, generate_feeds

__all__ = ["GenerationSummary", "generate_feeds"]
