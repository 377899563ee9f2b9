"""What the CLV of a refresh can be trusted for, in words a marketer reads.

A lifetime-value model needs purchase history: enough buyers, some of whom came back, and the
amounts they spent. When the data lack one of these the refresh still publishes its segments,
and the CLV says why it is missing instead of failing the run. When a model is fitted but the
data barely pin it down (a parameter left open, an optimiser that stopped early, a backtest
worse than a naive guess), the CLV is published as low confidence, with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from assets.clv.mle import ModelFit
from assets.clv.validation import MIN_CUSTOMERS

Status = Literal["modelled", "low confidence", "unavailable"]
MODELLED: Status = "modelled"
LOW_CONFIDENCE: Status = "low confidence"
UNAVAILABLE: Status = "unavailable"
STATUS_MODEL = "clv"
"""The `model` of the row of `clv_model_parameters` that carries the status (its `parameter` is `status`)."""
FALLBACK_RULES = (
    "value tiers rank customers by spend to date and churn risk bands them by days since their last purchase"
)


@dataclass(frozen=True)
class ClvStatus:
    """The CLV's status and why; ``reasons`` is empty when the CLV was modelled with confidence."""

    status: Status
    reasons: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """One sentence for `clv_model_parameters.note`, `segments.publication` and the CLI."""
        if self.status == MODELLED:
            return "modelled: lifetime value estimated from the purchase history"
        because = "; ".join(self.reasons)
        if self.status == UNAVAILABLE:
            return f"unavailable: {because}. Instead, {FALLBACK_RULES}"
        return f"low confidence: {because}. Read the CLV as a rough ranking, not as amounts to plan with"

    @classmethod
    def from_note(cls, note: str) -> ClvStatus:
        """The status a ``note`` states (the inverse of ``note``), so a later step can add a reason."""
        for status, ending in ((UNAVAILABLE, ". Instead, "), (LOW_CONFIDENCE, ". Read the CLV")):
            if note.startswith(f"{status}: "):
                return cls(status, tuple(note.removeprefix(f"{status}: ").split(ending)[0].split("; ")))
        return cls(MODELLED)

    def with_doubt(self, doubt: str) -> ClvStatus:
        """This status with one more reason for caution; an unavailable CLV stays unavailable."""
        return self if self.status == UNAVAILABLE else ClvStatus(LOW_CONFIDENCE, (*self.reasons, doubt))

    @property
    def has_values(self) -> bool:
        """Whether `customer_clv` carries lifetime values (low confidence ones included)."""
        return self.status != UNAVAILABLE


def missing_history(summary: pl.DataFrame) -> str | None:
    """Why the purchase history cannot support a purchase model, or None when it can.

    ``summary`` is a ``customer_summary`` frame (one row per buyer up to the calibration end).
    The checks come in the order a marketer would look: any purchases, more than one day of
    them, enough buyers, some buyer coming back.
    """
    if summary.height == 0:
        return "no purchases are loaded, and lifetime value is estimated from purchase history"
    first_days = summary["first_purchase_at"]
    if first_days.n_unique() == 1 and not (summary["frequency"] > 0).any():
        return (
            f"every purchase is from a single day ({first_days[0]}): the model needs purchases on several "
            "days to see how often customers come back"
        )
    buyers = summary.height
    if buyers < MIN_CUSTOMERS:
        return (
            f"only {buyers} customer{'s' if buyers != 1 else ''} have bought: the model needs at least "
            f"{MIN_CUSTOMERS} buyers to learn from"
        )
    if not (summary["frequency"] > 0).any():
        return (
            f"none of the {buyers:,} buyers has bought on a second day yet: without repeat purchases the "
            "model cannot learn how often customers come back"
        )
    return None


def unavailable(reason: str) -> ClvStatus:
    return ClvStatus(UNAVAILABLE, (reason,))


def fit_confidence(reasons: list[str]) -> ClvStatus:
    """Modelled, or low confidence with the reasons when there are any."""
    return ClvStatus(LOW_CONFIDENCE, tuple(reasons)) if reasons else ClvStatus(MODELLED)


MODEL_NAMES = {
    "bgnbd": "BG/NBD purchase model",
    "pareto_nbd": "Pareto/NBD purchase model",
    "gamma_gamma": "spend model",
}


def fit_doubts(*fits: ModelFit | None) -> list[str]:
    """Why a fitted model's figures deserve caution: it did not converge, or the data leave parameters open."""
    doubts = []
    for fit in fits:
        if fit is None:
            continue
        name = MODEL_NAMES.get(fit.model, fit.model)
        if not fit.converged:
            doubts.append(f"the {name}'s fit did not settle (the optimiser stopped before its tolerance)")
        if fit.unidentified:
            doubts.append(
                f"the purchase history does not pin down the {name}'s {', '.join(fit.unidentified)} "
                "(their uncertainty is unbounded)"
            )
    return doubts


def backtest_doubt(summary: pl.DataFrame) -> str | None:
    """A backtest whose model predicts the hold-out worse than the naive baseline (by mean absolute error)."""
    if summary.height < 2:
        return None
    model, naive = summary.row(0, named=True), summary.row(1, named=True)
    if model["mean_absolute_error"] <= naive["mean_absolute_error"]:
        return None
    return (
        f"on the held-out period {model['calibration_end']} to {model['holdout_end']} the model missed each "
        f"customer's repeat purchases by {model['mean_absolute_error']:.2f} on average (total "
        f"{model['total_error_pct']:+.0f} %), worse than simply repeating each customer's past rate "
        f"({naive['mean_absolute_error']:.2f})"
    )
