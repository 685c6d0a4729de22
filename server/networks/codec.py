"""Bytes for a shared store: JSON for the structure, raw little-endian bytes for the arrays.

`pack(value)` takes a tree of dicts, lists, tuples, numbers, strings, None, NumPy arrays and
the engine's frozen dataclasses (the registered ones only: nothing else can be encoded or
decoded, and nothing is executed on decoding, unlike pickle). Arrays travel as their exact
bytes (float64 and int64), so that a network read back computes to the last bit what it
computed before it was written.

Layout: 4 bytes (little-endian) with the length of the JSON header, the header, then every
array's bytes in the order the header lists them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np

from ..engine.datasets import Points
from ..engine.mlp import Architecture, ForwardPass, Gradients, Parameters
from .passes import Trace

_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    Architecture, Parameters, ForwardPass, Gradients, Trace, Points)}
_DTYPES = {"f8": np.dtype("<f8"), "i8": np.dtype("<i8")}


class CodecError(ValueError):
    """Bytes that are not a packed value (a corrupt or foreign record)."""


def pack(value: Any) -> bytes:
    arrays: list[np.ndarray] = []

    def encode(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            kind = "f8" if v.dtype.kind == "f" else "i8"
            arrays.append(np.ascontiguousarray(v, dtype=_DTYPES[kind]))
            return {"$a": [kind, list(v.shape)]}
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            name = type(v).__name__
            if _TYPES.get(name) is not type(v):
                raise TypeError(f"{name} is not a registered type")
            return {"$t": name, "f": {f.name: encode(getattr(v, f.name))
                                      for f in dataclasses.fields(v)}}
        if isinstance(v, tuple):
            return {"$tuple": [encode(x) for x in v]}
        if isinstance(v, list):
            return [encode(x) for x in v]
        if isinstance(v, dict):
            return {"$d": {str(k): encode(x) for k, x in v.items()}}
        if isinstance(v, (np.floating, np.integer, np.bool_)):
            return v.item()
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise TypeError(f"cannot pack a {type(v).__name__}")

    header = json.dumps(encode(value), separators=(",", ":"), allow_nan=True).encode()
    return b"".join([len(header).to_bytes(4, "little"), header, *(a.tobytes() for a in arrays)])


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
