"""The spend model of a refresh: Gamma-Gamma when the amounts support it, else skipped with the reason.

Without a spend model each customer is priced at their own mean repeat spend (see
``value.customer_lifetime_value``). That fallback is honest for a few odd customers, not for data
whose every amount is 0 (it would publish a CLV of 0 for everyone), so that case fails instead.
"""

from __future__ import annotations

import polars as pl

from assets.clv.errors import CLVDataError, NoSpendError
from assets.clv.gamma_gamma import fit_gamma_gamma
from assets.clv.mle import ModelFit


def fit_spend_model(summary: pl.DataFrame) -> tuple[ModelFit | None, str | None]:
    """Gamma-Gamma on a ``customer_summary`` frame, or (None, why it was skipped).

    Skipped when repeat transactions lack amounts (the fit would see a biased sample and the
    missing values must not count as 0), or when ``fit_gamma_gamma`` refuses the data (too few
    paying repeat buyers, q <= 1). Raises NoSpendError when every known repeat amount is 0.
    """
    repeat = summary.filter(pl.col("frequency") > 0)
    known = repeat["monetary_value"].drop_nulls()
    if known.len() and not (known > 0).any():
        raise NoSpendError(
            f"all {known.len():,} repeat buyers with known amounts spent 0 on their repeat purchases: "
            "with no spend to value them by, every customer's CLV would be 0; check the amounts "
            "(order_amount_usd) of the purchases feed"
        )
    reason = missing_amounts_reason(summary)
    if reason:
        return None, reason
    try:
        return fit_gamma_gamma(summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy()), None
    except NoSpendError:
        raise
    except CLVDataError as exc:
        return None, str(exc)


def missing_amounts_reason(summary: pl.DataFrame) -> str | None:
    """How many repeat transactions and buyers lack amounts, and what the CLV does about it; None if none do."""
    unpriced = summary["unpriced_repeat_days"]
    missing = int(unpriced.sum())
    if not missing:
        return None
    transactions = int(summary["frequency"].sum())
    buyers = int((summary["frequency"] > 0).sum())
    affected = int((unpriced > 0).sum())
    unknown = int(summary["monetary_value"].is_null().sum())
    return (
        f"{missing:,} of {transactions:,} repeat transactions in the calibration period, by {affected:,} of "
        f"{buyers:,} repeat buyers, have no amount: Gamma-Gamma was not fitted; each customer is priced at "
        f"the mean of their known repeat amounts, and the {unknown:,} with none known have no CLV (null)"
    )
