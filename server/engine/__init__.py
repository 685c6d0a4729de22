"""The engine: activations, losses, the multilayer perceptron and its training, in NumPy (and
one loop compiled by Numba). Imports nothing web.

The reference is the NumPy engine: `mlp.py` (forward, backward, update of one pass, as the
step-through shows it) and `sgd.py` (many updates in one vectorized loop). `mlp.py` is held
to central finite differences (tests/engine/test_mlp.py, test_activations.py,
test_losses.py); `sgd.py` to as many `mlp.py` steps, to the bit for batches of one and as
means for larger batches (tests/engine/test_sgd.py). Two faster paths compute the same
numbers and are held equal to that reference by tests:
- `kernel.py` / `compiled.py`, the training loop compiled with Numba, equal to `sgd.train`
  to 1e-12 for every activation, loss, batch size and λ, with the same shuffles, losses,
  gradient sizes and verdict on divergence (tests/engine/test_kernel.py);
- the loss landscape in `networks/landscape.py`, equal to forward passes with the two
  parameters moved (tests/networks/test_landscape.py).
`costs.py` estimates what each path costs, to pick the faster one and to bound a call.

Its arrays are small (at most 10,000 × 8), so one BLAS thread per call is as fast as several,
and the server runs up to two training calls at once, one per core: OpenBLAS's own threads
would spin against them (a call then took 10 to 25 times as long on a busy machine).
"""

import scipy.special  # noqa: F401  (loads SciPy's own OpenBLAS, if any, before the limit)
from threadpoolctl import threadpool_limits

threadpool_limits(1, user_api="blas")
