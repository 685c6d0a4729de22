"""Every default and limit of the server, defined once; /api/options serves them to the page.

The engine's own bounds (layers, the fewest nodes, dataset size) live beside the code that
needs them and are re-exported here, so that this module is the one list a reader needs. The
widest layers are the exception: the engine computes layers of up to mlp.MAX_ENGINE_NODES
(64), the API and the page accept MAX_INPUTS, MAX_HIDDEN and MAX_OUTPUTS, defined here.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Final

from .engine.datasets import MAX_SIZE as MAX_DATASET_SIZE
from .engine.mlp import MAX_ENGINE_NODES, MAX_LAYERS, MIN_LAYERS, MIN_NODES

__all__ = ["MAX_DATASET_SIZE", "MAX_LAYERS", "MIN_LAYERS", "MIN_NODES"]

# The widest layer a client may ask for, by kind (issue 22 §3: the 8×8 digits, Nielsen's
# network.py): the input layer (raw inputs and features) up to MAX_INPUTS, the 64 pixels of an
# 8×8 image; a hidden layer up to MAX_HIDDEN; the output layer up to MAX_OUTPUTS, one per class
# of a softmax output (the 10 digits). The page draws a layer of up to MAX_NODES nodes as cards,
# every node and weight with its numbers, and a wider one as a grid of tiles (the input layer
# as the image). The CSV import still chooses at most MAX_NODES input columns.
MAX_NODES: Final = 8
MAX_INPUTS: Final = 64
MAX_HIDDEN: Final = 32
MAX_OUTPUTS: Final = 10
WIDEST: Final = max(MAX_INPUTS, MAX_HIDDEN, MAX_OUTPUTS)  # any layer's
FEEDING: Final = max(MAX_INPUTS, MAX_HIDDEN)  # a layer that feeds another: rows of a matrix
FED: Final = max(MAX_HIDDEN, MAX_OUTPUTS)  # a layer fed by another: a row's, a bias list's
assert WIDEST <= MAX_ENGINE_NODES

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
MAX_L1: Final = 1.0
MIN_EPSILON: Final = 1e-12  # Adam's ε
MAX_EPSILON: Final = 1.0
MAX_NOISE: Final = 1.0
MAX_TEST_FRACTION: Final = 0.9
# The body cap follows from the largest valid body, each number written in full (JSON's
# longest in range, such as -1.2345678901234567e-300: LONGEST_NUMBER = 24 characters) with ", "
# between them. Two kinds of body are the largest:
# - the learner's own points (PUT …/dataset): at most MAX_POINTS_PER_BODY points AND at most
#   MAX_POINT_NUMBERS numbers (inputs and targets) in all: 2,000 points of 8 inputs and 10
#   targets, as before the digits, or 486 of the digits' 64 + 10. 36,000 × 26 + 2,000 × 30 (a
#   point's own {"input": [...], "target": [...]}) = 996,000 bytes. Without the count, 2,000
#   points of 64 + 10 would take 3.9 MB;
# - a resumed network (POST /api/networks) of the widest shape, MAX_LAYERS layers of
#   64-32-32-32-32-32-32-10: 64·32 + 5·32·32 + 32·10 = 7,488 weights and 6·32 + 10 = 202
#   biases, 7,690 numbers, four times over (weights and biases, current_weights and
#   current_biases, Adam's m and s): 30,760 × 26 = 799,760 bytes, with two brackets, a comma
#   and a space per row or list (4 × (64 + 6·32 + 2·7) × 4 = 4,320): 804,080.
# The larger, with 64 KiB of room for the rest, rounded up to 64 KiB: 1,088 KiB (1,114,112
# bytes), as before the digits. It is also Play's WebSocket message cap. Both bodies are tested
# at their largest, and with one number more (tests/api/test_digits.py).
LONGEST_NUMBER: Final = 24
MAX_POINT_NUMBERS: Final = MAX_POINTS_PER_BODY * (MAX_NODES + MAX_OUTPUTS)  # 36,000
POINTS_BODY_BYTES: Final = MAX_POINT_NUMBERS * (LONGEST_NUMBER + 2) + MAX_POINTS_PER_BODY * 30
WIDEST_SHAPE: Final = (MAX_INPUTS, *(MAX_HIDDEN,) * (MAX_LAYERS - 2), MAX_OUTPUTS)
_PARAMETERS: Final = sum(a * b + b for a, b in pairwise(WIDEST_SHAPE))
_ROWS: Final = sum(WIDEST_SHAPE[:-1]) + 2 * (MAX_LAYERS - 1)  # rows of weights, bias lists, ...
NETWORK_BODY_BYTES: Final = 4 * (_PARAMETERS * (LONGEST_NUMBER + 2) + _ROWS * 4)
MAX_BODY_BYTES: Final = (-(-(max(POINTS_BODY_BYTES, NETWORK_BODY_BYTES) + 2**16) // 2**16)
                         * 2**16)
# A CSV file of the learner's own data (POST /api/datasets/csv): its points go on in one PUT
# of the dataset, so it has at most MAX_POINTS_PER_BODY rows besides a header (and its text
# fits in MAX_BODY_BYTES, as any body); a few columns besides the inputs and targets; class
# labels short enough to name an output node.
MAX_CSV_ROWS: Final = MAX_POINTS_PER_BODY
MAX_CSV_COLUMNS: Final = 32
MAX_CSV_LABEL: Final = 40  # characters
# Play's WebSocket: a message is at most MAX_BODY_BYTES (uvicorn's ws_max_size: a larger one
# closes the socket, 1009, before it is read whole), and at most WS_MAX_QUEUE of them wait
# to be read (then the socket stops reading): a socket holds at most a few MB.
WS_MAX_QUEUE: Final = 2

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
HEAVY_WORKERS: Final = 2  # heavy calls at once (one per core); the others queue
SWITCH_INTERVAL: Final = 0.001  # seconds a thread may hold the interpreter while another
# waits (Python's default: 0.005): the event loop's turns come sooner beside heavy threads
MAX_HEAVY_QUEUE: Final = 64  # heavy calls waiting for a worker, per process; more: 503
MAX_HEAVY_PER_CLIENT: Final = 8  # heavy calls of one client (address) waiting or running,
# per process; more: 429. A page keeps at most about 5 (Play or 3 training calls, the
# pictures, a landscape)
GRADIENT_CHECK_STEP: Final = 1e-6  # h of the central differences: truncation ~h², rounding ~ε/h

# -- what one client may ask (a client is an address, as a trusted proxy forwards it) ---------
CREATE_BURST: Final = 120  # networks a client may create at once, then ...
CREATE_PER_SECOND: Final = 2.0  # ... this many a second (a token bucket, shared by workers)
IDEMPOTENCY_SECONDS: Final = 600  # how long the answer to an Idempotency-Key is kept
MAX_IDEMPOTENCY_KEY: Final = 255  # characters of an Idempotency-Key
MAX_KEPT_ANSWER_BYTES: Final = 32 * 2**20  # the memory store's kept answers, together

# -- what the server holds ------------------------------------------------------------------
MAX_NETWORKS: Final = 2000
# What the networks held keep beyond their fixed size, together: their datasets and their
# current passes (a mini-batch's holds every sample's numbers). Past it, the least recently
# used are evicted. (In Redis: the bytes of their records.)
MAX_DATA_BYTES: Final = 256 * 2**20
REMEMBERED_EVICTIONS: Final = 100_000  # evicted ids kept, to answer "expired" rather than 404

# -- the shared store (--store redis://...; store_redis.py) ------------------------------------
NETWORK_TTL_SECONDS: Final = 24 * 3600  # a network idle this long expires (every call renews)
KNOWN_TTL_SECONDS: Final = 30 * 24 * 3600  # how long an id is remembered, to say "expired"
LOCK_SECONDS: Final = 5.0  # a lock expires this long after it was last renewed (every 5/3 s
# while its call runs): how long a killed worker's network stays locked
LOCK_WAIT_SECONDS: Final = 10.0  # a call waits this long for the network, then hears 503
REDIS_CONNECTIONS: Final = 16  # per event loop (worker): a pipeline holds one per round trip
REDIS_PIPELINES: Final = 4  # pipelines in flight per event loop; the commands issued
# meanwhile wait and go together in the next (store_redis._Client)
REDIS_TIMEOUT_SECONDS: Final = 2.0  # to connect to Redis, or for one reply

# -- lessons: a teacher's state, title and text behind a short link -------------------------
MAX_LESSON_TITLE: Final = 120  # characters
MAX_LESSON_TEXT: Final = 4_000
MAX_LESSON_STEPS: Final = 12  # the steps of a worksheet, each at most MAX_LESSON_STEP chars
MAX_LESSON_STEP: Final = 300
# The whole lesson as JSON. A trained digits network (64-32-10: 2,368 weights and 42 biases,
# 2,410 numbers) with Adam keeps four sets of them (initial and current weights and biases, m
# and s), each number in full with its comma: 4 × 2,410 × 25 = 241,000 bytes; with the texts
# (at most 7,720 characters, up to 6 bytes each as JSON's \uXXXX: 46,320) 287,320, and the
# rest of the page's state (its settings, the sample's 74 numbers, the view: a few KB):
# 320,000 (it was 200,000, room for a small network with 2,000 own points).
MAX_LESSON_BYTES: Final = 320_000
LESSONS_PER_MINUTE: Final = 10  # creations per client (its address) per minute
