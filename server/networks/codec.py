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
