"""Every default and limit of the server, defined once; /api/options serves them to the page.

The engine's own bounds (layers, nodes, dataset size) live beside the code that needs them and
are re-exported here, so that this module is the one list a reader needs.
"""

from __future__ import annotations

from typing import Final

from .engine.datasets import MAX_SIZE as MAX_DATASET_SIZE
from .engine.mlp import MAX_LAYERS, MAX_NODES, MIN_LAYERS, MIN_NODES

__all__ = ["MAX_DATASET_SIZE", "MAX_LAYERS", "MAX_NODES", "MIN_LAYERS", "MIN_NODES"]

# -- a new network (what POST /api/networks assumes for a field left out) --------------------
DEFAULT_LAYERS: Final = (1, 2, 2, 1)
DEFAULT_ACTIVATION: Final = "sigmoid"
DEFAULT_OUTPUT_ACTIVATION: Final = "sigmoid"
DEFAULT_LOSS: Final = "squared"
DEFAULT_LEARNING_RATE: Final = 0.5
DEFAULT_L2: Final = 0.0  # the L2 rate λ of every update: w ← w − α·(dE/dw + λ·w)

# -- the page's default dataset and training settings (served as-is by /api/options) ---------
DATASET_DEFAULTS: Final = {"name": "sine", "size": 200, "noise": 0.1, "seed": 0,
                           "test_fraction": 0.2}
TRAINING_DEFAULTS: Final = {"batch_size": 32, "l2": 0.0, "steps": 100,
                            "steps_per_frame": 10}  # Play: updates per frame (null: no cap)

# -- what a client may send -----------------------------------------------------------------
MAX_ABS_VALUE: Final = 1e6  # inputs, targets, weights, biases
MAX_LEARNING_RATE: Final = 10.0
MAX_SEED: Final = 2**32 - 1
MAX_STEP: Final = 10**12  # the step count a resumed network may claim
MAX_STEPS_PER_CALL: Final = 10_000
MAX_POINTS_PER_BODY: Final = 2_000
MAX_RESOLUTION: Final = 100
MAX_STEP_BATCH: Final = 100  # samples in one forward or step of the step-through
MAX_L2: Final = 1.0
MAX_NOISE: Final = 1.0
MAX_TEST_FRACTION: Final = 0.9
MAX_BODY_BYTES: Final = 256 * 1024  # the largest valid body (2,000 points) is well under this

# -- what the server computes ---------------------------------------------------------------
PLOT_DOMAIN: Final = (-1.25, 1.25)  # every built-in dataset lies in [−1, 1]
DEFAULT_RESOLUTION: Final = 40  # GET /function without a resolution
MAX_THUMBNAIL_RESOLUTION: Final = 32  # GET /functions: every node's output at once
MIN_LANDSCAPE_RESOLUTION: Final = 3  # POST /landscape: points per parameter axis
MAX_LANDSCAPE_RESOLUTION: Final = 61
DEFAULT_LANDSCAPE_RESOLUTION: Final = 41
MAX_LANDSCAPE_SPAN: Final = 10.0  # how far from its value each parameter is moved
DEFAULT_LANDSCAPE_SPAN: Final = 2.0
DEFAULT_THUMBNAIL_RESOLUTION: Final = 16
MAX_CALL_SECONDS: Final = 1.0  # no training call may hold the server longer than about this
PLAY_CHUNK_SECONDS: Final = 0.012  # Play over a WebSocket: the work of one frame, at most
PLAY_FRAMES_PER_SECOND: Final = 60  # what the chunks aim to leave room for, per stream
# Frames sent but not yet drawn by the page, per stream. With two, the server waited for
# the page's acknowledgement before 3 in 4 chunks (about 3 ms each, as the page draws once per
# display frame); a third lets it train one display frame ahead. The page skips the frames
# trained with old settings, so that a change still shows in the next frame drawn.
MAX_UNACKED_FRAMES: Final = 3
PLAY_HISTORY_POINTS: Final = 32  # loss samples per Play frame (the chart keeps 1,500 in all)
HEAVY_WORKERS: Final = 2  # training calls and plot grids at once (one per core); others queue
GRADIENT_CHECK_STEP: Final = 1e-6  # h of the central differences: truncation ~h², rounding ~ε/h

# -- what the server holds ------------------------------------------------------------------
MAX_NETWORKS: Final = 2000
MAX_DATA_BYTES: Final = 256 * 2**20  # the datasets of every network held, together
REMEMBERED_EVICTIONS: Final = 100_000  # evicted ids kept, to answer "expired" rather than 404

# -- the shared store (--store redis://...; store_redis.py) ------------------------------------
NETWORK_TTL_SECONDS: Final = 24 * 3600  # a network idle this long expires (every call renews)
KNOWN_TTL_SECONDS: Final = 30 * 24 * 3600  # how long an id is remembered, to say "expired"
LOCK_SECONDS: Final = 5.0  # a network's lock expires this long after it was taken
LOCK_WAIT_SECONDS: Final = 10.0  # a call waits this long for the network, then hears 503

# -- lessons: a teacher's state, title and text behind a short link -------------------------
MAX_LESSON_TITLE: Final = 120  # characters
MAX_LESSON_TEXT: Final = 4_000
MAX_LESSON_STEPS: Final = 12  # the steps of a worksheet, each at most MAX_LESSON_STEP chars
MAX_LESSON_STEP: Final = 300
MAX_LESSON_BYTES: Final = 200_000  # the whole lesson as JSON (a network with 2,000 own points)
LESSONS_PER_MINUTE: Final = 10  # creations per client (its address) per minute
