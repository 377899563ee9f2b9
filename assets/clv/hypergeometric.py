"""log 2F1(1, b; c; z) for 0 <= z < 1 by Gauss's continued fraction, vectorised.

The Pareto/NBD likelihood needs this function with b and c growing with a customer's purchase
count and z approaching 1 when one rate scale is much larger than the other. The power series
then needs tens of thousands of terms and scipy's general hyp2f1 can lose accuracy; the continued
fraction (the one behind the incomplete beta function) converges in about 1/sqrt(1 - z) steps,
and each step is a few array operations, evaluated by the modified Lentz method.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]

TOLERANCE = 1e-15
MAX_STEPS = 100_000  # about z = 1 - 1e-9; far beyond any z a converged fit produces
_TINY = 1e-300
_BLOCK = 8  # steps between shrinking the set of unconverged entries
_FEW = 32  # fewer unconverged entries than this finish in plain Python


def log_hyp2f1_one(b: Vector, c: Vector, z: Vector) -> Vector:
    """log 2F1(1, b; c; z), elementwise, for b > 0, c > 0 and 0 <= z < 1.

    Writing a = c - 1 and beta = b - c + 1, 2F1(1, b; c; z) = 1 / (1 + d1 / (1 + d2 / (1 + ...)))
    with d(2m+1) = -(a+m)(a+beta+m) z / ((a+2m)(a+2m+1)) and d(2m) = m(beta-m) z / ((a+2m-1)(a+2m)).
    """
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (b, c, z)))
    shape = b.shape
    a, beta, z = (c - 1).ravel(), (b - c + 1).ravel(), z.ravel()
    # the continued fraction 1 + d1/(1 + d2/(...)), evaluated as f = product of (C * D) factors
    f = np.ones(a.size)
    big_c = np.ones(a.size)
    big_d = np.zeros(a.size)
    active = np.arange(a.size)
    step = 1
    while active.size > _FEW and step < MAX_STEPS:
        aa, bb, zz = a[active], beta[active], z[active]
        ff, cc, dd = f[active], big_c[active], big_d[active]
        done = np.zeros(active.size, dtype=bool)
        for _ in range(_BLOCK):
            m = step // 2
            if step % 2:
                d = -(aa + m) * (aa + bb + m) * zz / ((aa + 2 * m) * (aa + 2 * m + 1))
            else:
                d = m * (bb - m) * zz / ((aa + 2 * m - 1) * (aa + 2 * m))
            dd = 1.0 + d * dd
            dd = np.where(np.abs(dd) < _TINY, _TINY, dd)
            cc = 1.0 + d / cc
            cc = np.where(np.abs(cc) < _TINY, _TINY, cc)
            dd = 1.0 / dd
            delta = cc * dd
            ff = ff * delta
            done |= np.abs(delta - 1.0) < TOLERANCE
            step += 1
        f[active], big_c[active], big_d[active] = ff, cc, dd
        active = active[~done]
    for i in active:
        f[i] = _finish(a[i], beta[i], z[i], f[i], big_c[i], big_d[i], step)
    return (-np.log(f)).reshape(shape)


def _finish(a: float, beta: float, z: float, f: float, big_c: float, big_d: float, step: int) -> float:
    """The same iteration for one entry in plain floats: when only a few entries need thousands
    more steps (z very near 1), numpy's per-call overhead would dominate."""
    a, beta, z, f, big_c, big_d = float(a), float(beta), float(z), float(f), float(big_c), float(big_d)
    while step < MAX_STEPS:
        m = step // 2
        if step % 2:
            d = -(a + m) * (a + beta + m) * z / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            d = m * (beta - m) * z / ((a + 2 * m - 1) * (a + 2 * m))
        big_d = 1.0 + d * big_d
        big_d = big_d if abs(big_d) >= _TINY else _TINY
        big_c = 1.0 + d / big_c
        big_c = big_c if abs(big_c) >= _TINY else _TINY
        big_d = 1.0 / big_d
        delta = big_c * big_d
        f *= delta
        step += 1
        if abs(delta - 1.0) < TOLERANCE:
            break
    return f
