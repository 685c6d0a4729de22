"""The engine: activations, losses, the multilayer perceptron and its training, in NumPy (and
one loop compiled by Numba). Imports nothing web.

Its arrays are small (at most 10,000 × 8), so one BLAS thread per call is as fast as several,
and the server runs up to two training calls at once, one per core: OpenBLAS's own threads
would spin against them (a call then took 10 to 25 times as long on a busy machine).
"""

import scipy.special  # noqa: F401  (loads SciPy's own OpenBLAS, if any, before the limit)
from threadpoolctl import threadpool_limits

threadpool_limits(1, user_api="blas")
