"""A pass's trace straight to JSON bytes, for the phase routes (forward, backward, update,
step), which a learner calls many times a second.

It is the one writer of a trace: render.trace_out validates its dict into a TraceOut (for
GET), and the phase routes send it as it is, without building and validating a model per
node and weight (the tests compare both on every phase): the routes keep
`response_model=TraceOut`, so the schema in /openapi.json is the same. The numbers are
checked finite by the network before any trace exists (a diverging pass is a 409), so the
bytes never hold NaN or Infinity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from fastapi import Response

from ..engine.optimizers import OptimizerState
from ..networks.passes import Trace, gradient_sizes


def trace_dict(network_id: str, trace: Trace) -> dict[str, Any]:
    """TraceOut's fields, as plain lists and floats: the one place a trace is written out
    (render.trace_out validates this into a TraceOut for GET; the phase routes send it)."""
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
    if trace.state is not None and trace.optimizer.name != "sgd":
        _add_slots(nodes, weights, trace.state_before, "state_before")
        _add_slots(nodes, weights, trace.state, "state")
    error_after = None if trace.error_after is None else float(trace.error_after)
    opt = trace.optimizer
    return {
        "id": network_id, "step": int(trace.step), "phase": trace.phase,
        "learning_rate": float(trace.learning_rate), "l2": float(trace.l2),
        "l1": float(trace.l1),
        "optimizer": {"name": opt.name, "momentum": opt.momentum, "beta1": opt.beta1,
                      "beta2": opt.beta2, "epsilon": opt.epsilon},
        "t": None if trace.state is None else int(trace.state.t),
        "input": trace.input[0].tolist(), "target": trace.target[0].tolist(),
        "error": float(fwd.mean_error), "error_after": error_after, "nodes": nodes,
        "weights": weights, "samples": _samples(trace) if trace.batch > 1 else None,
        "gradient_sizes": None if grads is None else gradient_sizes(grads),
    }


def _add_slots(nodes: list[list[dict[str, Any]]], weights: list[list[list[dict[str, Any]]]],
               state: OptimizerState | None, key: str) -> None:
    """Each weight's and bias's optimizer state as `key`: {"v": …} or {"m": …, "s": …}
    (a fresh state, before the first update: zeros)."""
    if state is None or state.first is None:
        return
    lists = {name: ([W.tolist() for W in p.weights], [b.tolist() for b in p.biases])
             for name, p in state.named().items()}
    for k, matrix in enumerate(weights):
        for i, row in enumerate(matrix):
            for j, entry in enumerate(row):
                entry[key] = {n: ws[k][i][j] for n, (ws, _) in lists.items()}
    for layer in range(1, len(nodes)):
        for j, node in enumerate(nodes[layer]):
            node[key] = {n: bs[layer - 1][j] for n, (_, bs) in lists.items()}


def state_dict(state: OptimizerState | None) -> dict[str, Any]:
    """The optimizer's state as NetworkOut's optimizer_state."""
    if state is None:
        return {"t": 0}
    return {"t": int(state.t), **{name: {"weights": [W.tolist() for W in slot.weights],
                                         "biases": [b.tolist() for b in slot.biases]}
                                  for name, slot in state.named().items()}}


def _samples(trace: Trace) -> list[dict[str, Any]]:
    """Each sample's own numbers: x, y, dE/dy, dE/dx, its dE/db (its dE/dx) and its dE/dw,
    y_i·dE/dx_j, whose means over the batch are the trace's dE/dw and dE/db."""
    fwd, grads = trace.forward, trace.gradients
    L = len(fwd.x)
    xs, ys = [x.tolist() for x in fwd.x], [y.tolist() for y in fwd.y]
    dy = [d.tolist() for d in grads.dE_dy] if grads else None
    dx = [d.tolist() for d in grads.dE_dx] if grads else None
    dw = ([np.einsum("bi,bj->bij", fwd.y[k], grads.dE_dx[k + 1]).tolist()
           for k in range(L - 1)] if grads else None)
    after = trace.errors_after.tolist() if trace.errors_after is not None else None
    errors = fwd.error.tolist()
    return [
        {
            "input": trace.input[b].tolist(), "target": trace.target[b].tolist(),
            "error": errors[b], "error_after": after[b] if after else None,
            "nodes": [[{"x": xs[layer][b][j], "y": ys[layer][b][j],
                        "dE_dy": dy[layer][b][j] if dy else None,
                        "dE_dx": dx[layer][b][j] if dx else None,
                        "dE_db": dx[layer][b][j] if dx and layer else None}
                       for j in range(len(xs[layer][b]))]
                      for layer in range(L)],
            "dE_dw": [dw[k][b] for k in range(L - 1)] if dw else None,
        }
        for b in range(trace.batch)
    ]


def trace_response(network_id: str, trace: Trace) -> Response:
    return Response(orjson.dumps(trace_dict(network_id, trace)), media_type="application/json")
