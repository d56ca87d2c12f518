#!/usr/bin/python3
"""Solve an assignment problem with SciPy, for comparison with our solver.

Usage: scipy_lsa.py MATRIX ROWS COLS

MATRIX is a raw little-endian float64 file of ROWS x COLS scores (higher is
better; -inf forbids a pair), as bench/solver writes it. Prints one JSON
object: the optimum total, the number of pairs, the seconds spent loading
the matrix and, separately, in the linear_sum_assignment call alone.
"""

import json
import resource
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

    t0 = time.perf_counter()
    scores = np.fromfile(path, dtype="<f8").reshape(rows, cols)
    t1 = time.perf_counter()
    r, c = linear_sum_assignment(scores, maximize=True)
    t2 = time.perf_counter()

    chosen = scores[r, c]
    if not np.all(np.isfinite(chosen)):
        sys.exit("scipy_lsa.py: SciPy chose a forbidden pair")
    json.dump(
        {
            "total": float(chosen.sum()),
            "matched": int(len(r)),
            "load_seconds": t1 - t0,
            "solve_seconds": t2 - t1,
            # ru_maxrss is in KiB on Linux.
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "scipy": "SciPy " + scipy.__version__,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
