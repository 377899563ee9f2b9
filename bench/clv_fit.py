"""Time the CLV models on simulated customers: fit, then score, for each size.

    uv run python bench/clv_fit.py [--customers 100000 1000000] [--pareto] [--lifetimes-python PATH]

Customers are simulated with numpy from known BG/NBD and Gamma-Gamma parameters (time in weeks,
first purchases spread over 78 weeks, times recorded in whole days unless --continuous). For
each size it prints the wall time of the fit (BG/NBD + Gamma-Gamma) and of the scoring
(P(alive), 12-month expected purchases and spend, and discounted CLV), each in a timed pass
without instrumentation, then each stage's peak traced memory in a second pass under tracemalloc
(numpy's buffers are traced), and the process's peak resident set size (resource.getrusage
ru_maxrss) at the end.

If a Python with the `lifetimes` package is found (default /tmp/lifetimes-env/bin/python, made
with `uv venv /tmp/lifetimes-env && uv pip install --python /tmp/lifetimes-env lifetimes`), the
same data is fitted and scored there in a subprocess and the time ratio is printed; lifetimes is
never a dependency of this project.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assets.clv.bgnbd import fit_bgnbd
from assets.clv.gamma_gamma import fit_gamma_gamma
from assets.clv.mle import ModelFit
from assets.clv.pareto_nbd import fit_pareto_nbd
from assets.clv.value import customer_lifetime_value

TRUE_BGNBD = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
TRUE_GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 15.0}
HISTORY_WEEKS = 78.0
HORIZON_MONTHS = 12

LIFETIMES_SCRIPT = """
import json, sys, time
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
data = np.load(sys.argv[1])
x, t_x, T, m = (pd.Series(data[k]) for k in ("frequency", "recency", "T", "monetary_value"))
began = time.perf_counter()
bgf = BetaGeoFitter().fit(x, t_x, T)
repeat = x > 0
ggf = GammaGammaFitter().fit(x[repeat], m[repeat])
fitted = time.perf_counter()
alive = bgf.conditional_probability_alive(x, t_x, T)
month = 365.25 / 12 / 7
cumulative = [bgf.conditional_expected_number_of_purchases_up_to_time(k * month, x, t_x, T) for k in range(1, 13)]
spend = ggf.conditional_expected_average_profit(x, m)
scored = time.perf_counter()
print(json.dumps({"fit_s": fitted - began, "score_s": scored - fitted, "params": dict(bgf.params_)}))
"""


def simulate(n: int, seed: int, *, whole_days: bool = True) -> dict[str, np.ndarray]:
    """Customers from the BG/NBD story, with Gamma-Gamma mean repeat spend.

    While alive a customer buys at rate lambda ~ Gamma(r, alpha); after each repeat purchase they
    drop out with probability p ~ Beta(a, b), so the repeat purchase that ends their life is
    the J-th, J ~ Geometric(p). Of the N ~ Poisson(lambda T) purchase times the process would
    place in (0, T], they make x = min(N, J); given N, the times are uniform order statistics,
    so t_x, the x-th of N, is T * Beta(x, N - x + 1). With ``whole_days`` the times are then
    recorded in whole days, as customer_summary produces them from dated orders.
    """
    rng = np.random.default_rng(seed)
    r, alpha, a, b = (TRUE_BGNBD[k] for k in ("r", "alpha", "a", "b"))
    big_t = rng.uniform(1.0, HISTORY_WEEKS, n)
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = rng.beta(a, b, n)
    n_events = rng.poisson(rate * big_t).astype(np.float64)
    x = np.minimum(n_events, rng.geometric(dropout))
    repeat = x > 0
    t_x = np.zeros(n)
    t_x[repeat] = big_t[repeat] * rng.beta(x[repeat], n_events[repeat] - x[repeat] + 1)
    p, q, gamma = (TRUE_GAMMA_GAMMA[k] for k in ("p", "q", "gamma"))
    scale = rng.gamma(q, 1.0 / gamma, n)
    spend = np.zeros(n)
    spend[repeat] = rng.gamma(p * x[repeat], 1.0 / (scale[repeat] * x[repeat]))
    if whole_days:
        big_t = np.ceil(big_t * 7) / 7
        t_x = np.minimum(np.floor(t_x * 7) / 7, big_t)
    return {"frequency": x, "recency": t_x, "T": big_t, "monetary_value": spend}


def fit(data: dict[str, np.ndarray]) -> tuple[ModelFit, ModelFit]:
    purchase = fit_bgnbd(data["frequency"], data["recency"], data["T"])
    spend = fit_gamma_gamma(data["frequency"], data["monetary_value"])
    return purchase, spend


def score(data: dict[str, np.ndarray], fits: tuple[ModelFit, ModelFit]) -> dict[str, np.ndarray]:
    return customer_lifetime_value(
        fits[0],
        fits[1],
        data["frequency"],
        data["recency"],
        data["T"],
        data["monetary_value"],
        time_unit="weeks",
        horizon_months=HORIZON_MONTHS,
    )


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    began = time.perf_counter()
    result = step()
    return result, time.perf_counter() - began


def peak_mib(step: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_lifetimes(python: Path, data: dict[str, np.ndarray]) -> dict[str, Any] | str:
    """Fit and score with lifetimes in its own environment; a string says why it was skipped."""
    if not python.exists():
        return f"skipped: no Python at {python} (see this script's docstring to create one)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.npz"
        np.savez(path, **data)
        done = subprocess.run(
            [str(python), "-c", LIFETIMES_SCRIPT, str(path)], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        return f"skipped: lifetimes failed: {done.stderr.strip().splitlines()[-1:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pareto", action="store_true", help="also time a Pareto/NBD fit")
    parser.add_argument(
        "--continuous", action="store_true", help="keep unrounded times (every customer distinct: the slowest case)"
    )
    parser.add_argument("--lifetimes-python", type=Path, default=Path("/tmp/lifetimes-env/bin/python"))
    parser.add_argument("--no-lifetimes", action="store_true")
    args = parser.parse_args()

    for n in args.customers:
        data, simulate_s = timed(lambda n=n: simulate(n, args.seed, whole_days=not args.continuous))
        fits, fit_s = timed(lambda data=data: fit(data))
        _, score_s = timed(lambda data=data, fits=fits: score(data, fits))
        fit_mib = peak_mib(lambda data=data: fit(data))
        score_mib = peak_mib(lambda data=data, fits=fits: score(data, fits))
        purchase, spend = fits
        repeat_share = float((data["frequency"] > 0).mean())
        times = "unrounded times" if args.continuous else "times in whole days"
        print(f"\n{n:,} customers (simulated in {simulate_s:.2f} s, {times}; {repeat_share:.0%} repeat buyers)")
        print(f"  fit   BG/NBD + Gamma-Gamma: {fit_s:6.2f} s, peak traced memory {fit_mib:7.1f} MiB")
        print(f"  score P(alive), 12-month CLV: {score_s:6.2f} s, peak traced memory {score_mib:7.1f} MiB")
        print(f"  total {fit_s + score_s:.2f} s; converged: {purchase.converged and spend.converged}")
        for model, truth in ((purchase, TRUE_BGNBD), (spend, TRUE_GAMMA_GAMMA)):
            shown = ", ".join(
                f"{k} {model.params[k]:.4g} (true {v:g}, se {model.std_errors[k]:.2g})" for k, v in truth.items()
            )
            print(f"  {model.model}: {shown}")
        if args.pareto:
            pareto, pareto_s = timed(lambda data=data: fit_pareto_nbd(data["frequency"], data["recency"], data["T"]))
            print(
                f"  Pareto/NBD fit: {pareto_s:.2f} s, log-likelihood {pareto.log_likelihood:.1f} "
                f"vs BG/NBD {purchase.log_likelihood:.1f}"
            )
        if not args.no_lifetimes:
            other = run_lifetimes(args.lifetimes_python, data)
            if isinstance(other, str):
                print(f"  lifetimes: {other}")
            else:
                total = other["fit_s"] + other["score_s"]
                print(
                    f"  lifetimes: fit {other['fit_s']:.2f} s, score {other['score_s']:.2f} s, total {total:.2f} s "
                    f"= {total / (fit_s + score_s):.1f}x ours"
                )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"\npeak resident memory of this process over the whole run: {peak_rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
