"""Bytes for a shared store: JSON for the structure, raw little-endian bytes for the arrays;
and a network's two records in those bytes (its core, and its data).

`pack(value)` takes a tree of dicts, lists, tuples, numbers, strings, None, NumPy arrays and
the engine's frozen dataclasses (the registered ones only: nothing else can be encoded or
decoded, and nothing is executed on decoding, unlike pickle). Arrays travel as their exact
bytes (float64 and int64), so that a network read back computes to the last bit what it
computed before it was written.

Layout: 4 bytes (little-endian) with the length of the JSON header, the header, then every
array's bytes in the order the header lists them.

A network is kept as two records (store_redis.py): its core (settings, parameters, step, the
current pass), read by every call, and its data (the dataset as its spec or the learner's own
points, and where training stands), read only by the calls that need it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.datasets import Points
from ..engine.mlp import Architecture, ForwardPass, Gradients, Parameters
from ..engine.optimizers import SGD, Optimizer, OptimizerState
from .network import Network
from .passes import Trace
from .results import Snapshot
from .workbench import Dataset, Progress, Workbench, built_in

RECORD_VERSION = 1

_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    Architecture, Parameters, ForwardPass, Gradients, Trace, Points, Optimizer, OptimizerState)}
_DTYPES = {"f8": np.dtype("<f8"), "i8": np.dtype("<i8")}


class CodecError(ValueError):
    """Bytes that are not a packed value (a corrupt or foreign record)."""


_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES.values()}
_PLAIN = (bool, int, float, str, type(None))


def pack(value: Any) -> bytes:
    arrays: list[bytes] = []

    def encode(v: Any) -> Any:
        kind = type(v)
        if kind is np.ndarray:
            code = "f8" if v.dtype.kind == "f" else "i8"
            arrays.append(np.ascontiguousarray(v, dtype=_DTYPES[code]).tobytes())
            return {"$a": [code, list(v.shape)]}
        if kind in _PLAIN:
            return v
        names = _FIELDS.get(kind)
        if names is not None:
            return {"$t": kind.__name__, "f": {n: encode(getattr(v, n)) for n in names}}
        if kind is tuple:
            return {"$tuple": [encode(x) for x in v]}
        if kind is list:
            return [encode(x) for x in v]
        if kind is dict:
            return {"$d": {str(k): encode(x) for k, x in v.items()}}
        if isinstance(v, (np.floating, np.integer, np.bool_)):
            return v.item()
        if isinstance(v, _PLAIN):  # a subclass, such as a str-valued enum
            return v
        raise TypeError(f"cannot pack a {kind.__name__}")

    header = json.dumps(encode(value), separators=(",", ":"), allow_nan=True).encode()
    return b"".join([len(header).to_bytes(4, "little"), header, *arrays])


def unpack(data: bytes) -> Any:
    try:
        size = int.from_bytes(data[:4], "little")
        tree = json.loads(data[4:4 + size])
    except (ValueError, UnicodeDecodeError) as error:
        raise CodecError(f"not a packed record: {error}") from None
    view = memoryview(data)
    offset = 4 + size

    def decode(v: Any) -> Any:
        nonlocal offset
        if isinstance(v, list):
            return [decode(x) for x in v]
        if not isinstance(v, dict):
            return v
        if "$a" in v:
            kind, shape = v["$a"]
            dtype = _DTYPES[kind]
            count = int(np.prod(shape, dtype=np.int64))
            end = offset + count * dtype.itemsize
            if end > len(data):
                raise CodecError("a packed record ends before its arrays do")
            # Read-only views of the record's bytes (no copy): the engine never writes into
            # the arrays it is given.
            array = np.frombuffer(view[offset:end], dtype=dtype).reshape(shape)
            offset = end
            return array
        if "$t" in v:
            cls = _TYPES.get(v["$t"])
            if cls is None:
                raise CodecError(f"unknown type {v['$t']!r} in a packed record")
            return cls(**{k: decode(x) for k, x in v["f"].items()})
        if "$tuple" in v:
            return tuple(decode(x) for x in v["$tuple"])
        if "$d" in v:
            return {k: decode(x) for k, x in v["$d"].items()}
        raise CodecError("a packed record holds an unknown object")

    return decode(tree)


# -- a network's records --------------------------------------------------------------------


def core_record(snap: Snapshot) -> bytes:
    """The settings, parameters, step and current pass."""
    return pack({"version": RECORD_VERSION, "id": snap.id, "seed": snap.seed,
                 "arch": snap.arch, "learning_rate": snap.learning_rate, "l2": snap.l2,
                 "initial": snap.initial, "params": snap.params, "step": snap.step,
                 "trace": snap.trace, "l1": snap.l1, "optimizer": snap.optimizer,
                 "state": snap.state})


def network_from_records(core: bytes, load_data: Callable[[], bytes | None]) -> Network:
    """The network a core record describes; `load_data` is called (at most once) when a call
    first needs the data, and returns None if the network has none yet."""
    fields = unpack(core)
    if fields.get("version") != RECORD_VERSION:
        raise CodecError(f"a network record of version {fields.get('version')}")

    def load() -> Workbench:
        data = load_data()
        return Workbench(fields["seed"]) if data is None else workbench_from_record(data)

    return Network(fields["id"], fields["seed"], fields["arch"], fields["learning_rate"],
                   fields["initial"], fields["params"], fields["step"], l2=fields["l2"],
                   trace=fields["trace"], load_workbench=load,
                   # absent from the records of before the optimizers: plain descent
                   l1=fields.get("l1", 0.0), optimizer=fields.get("optimizer", SGD),
                   state=fields.get("state"))


def data_record(bench: Workbench) -> bytes:
    """The data: a built-in dataset as its spec (it is generated again alike), the learner's
    own points as arrays; the epoch's order as indices into the training set; the random
    generator's state."""
    data, progress = bench.dataset, bench.progress()
    dataset = None
    if data is not None:
        dataset = {"name": data.name, "size": data.size, "noise": data.noise,
                   "seed": data.seed, "test_fraction": data.test_fraction}
        if data.name is None:
            dataset |= {"train": data.train, "test": data.test}
    epoch = None
    if progress.epoch is not None:
        order, position, samples = progress.epoch
        epoch = {"order": order, "position": position, "samples": samples}
    return pack({"rng": progress.rng_state, "dataset": dataset, "cursor": epoch,
                 "samples": progress.samples})


def workbench_from_record(record: bytes) -> Workbench:
    fields = unpack(record)
    spec = fields["dataset"]
    dataset = None
    if spec is not None:
        if spec["name"] is None:
            train_points, test_points = spec["train"], spec["test"]
        else:
            train_points, test_points = built_in(spec["name"], spec["size"], spec["noise"],
                                                 spec["seed"], spec["test_fraction"])
        dataset = Dataset(spec["name"], spec["size"], spec["noise"], spec["seed"],
                          spec["test_fraction"], train_points, test_points)
    epoch = fields["cursor"]
    return Workbench.resume(dataset, Progress(
        fields["rng"], fields["samples"],
        None if epoch is None else (epoch["order"], epoch["position"], epoch["samples"])))
