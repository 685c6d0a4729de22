"""A pass's trace straight to JSON bytes, for the phase routes (forward, backward, update,
step), which a learner calls many times a second.

It writes exactly what render.trace_out's TraceOut serializes to (the tests compare both on
every phase), without building and validating a model per node and weight: the routes keep
`response_model=TraceOut`, so the schema in /openapi.json is the same. The numbers are
checked finite by the network before any trace exists (a diverging pass is a 409), so the
bytes never hold NaN or Infinity.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

from ..networks.passes import Trace


def trace_dict(network_id: str, trace: Trace) -> dict[str, Any]:
    """TraceOut's fields, as plain lists and floats."""
    fwd, grads, before = trace.forward, trace.gradients, trace.params_before
    xs = [x[0].tolist() for x in fwd.x]
    ys = [y[0].tolist() for y in fwd.y]
    biases = [b.tolist() for b in trace.params.biases]
    old_biases = [b.tolist() for b in before.biases] if before else None
    old_weights = [W.tolist() for W in before.weights] if before else None
    dy = [d[0].tolist() for d in grads.dE_dy] if grads else None
    dx = [d[0].tolist() for d in grads.dE_dx] if grads else None
    dw = [d.tolist() for d in grads.dE_dw] if grads else None
    db = [d.tolist() for d in grads.dE_db] if grads else None
    nodes = [
        [
            {
                "x": xs[layer][j],
                "y": ys[layer][j],
                "b": biases[layer - 1][j] if layer else None,
                "dE_dy": dy[layer][j] if dy else None,
                "dE_dx": dx[layer][j] if dx else None,
                "dE_db": db[layer - 1][j] if db and layer else None,
                "b_before": old_biases[layer - 1][j] if old_biases and layer else None,
            }
            for j in range(len(xs[layer]))
        ]
        for layer in range(len(xs))
    ]
    weights = [
        [
            [
                {"w": w, "dE_dw": dw[k][i][j] if dw else None,
                 "w_before": old_weights[k][i][j] if old_weights else None}
                for j, w in enumerate(row)
            ]
            for i, row in enumerate(matrix.tolist())
        ]
        for k, matrix in enumerate(trace.params.weights)
    ]
    error_after = None if trace.error_after is None else float(trace.error_after)
    return {
        "id": network_id, "step": int(trace.step), "phase": trace.phase,
        "learning_rate": float(trace.learning_rate), "input": trace.input.tolist(),
        "target": trace.target.tolist(), "error": float(fwd.mean_error),
        "error_after": error_after, "nodes": nodes, "weights": weights,
    }


def trace_response(network_id: str, trace: Trace) -> Response:
    return Response(orjson.dumps(trace_dict(network_id, trace)), media_type="application/json")
