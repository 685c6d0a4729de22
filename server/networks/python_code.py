"""The network as code: a short, runnable Python script that rebuilds a network exactly (its
weights, activations, loss, learning rate, λ and sample) and prints the numbers of one step,
as the page shows them: every layer's x and y, E, every ∂E/∂y and ∂E/∂x, every ∂E/∂w and
∂E/∂b, and the weights and biases after the update.

Two flavours: NumPy alone (the backward pass written out, as the page explains it) and
PyTorch (float64, autograd). Each prints `name = value` lines, the value in JSON with every
float written in full (repr), so that a learner can read it and a test can compare it.
The formulas are the engine's own (server/engine/activations.py, losses.py, mlp.py), in the
same forms where precision matters (sigmoid from e^−|x|, cross entropy from x), so that the
script's numbers equal the page's to about 1e-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..engine.activations import ELU_ALPHA, LEAKY_SLOPE, Array
from ..engine.features import FEATURES
from ..engine.mlp import Architecture, Parameters
from ..engine.optimizers import SGD, Optimizer, OptimizerState, fresh_state

Flavour = Literal["numpy", "pytorch"]


@dataclass(frozen=True)
class Step:
    """What one step starts from: the network, the weights, the sample(s) and the rates."""

    arch: Architecture
    params: Parameters
    X: Array  # (batch, inputs): the raw inputs (the script derives any features)
    T: Array  # (batch, n_L−1)
    learning_rate: float
    l2: float
    l1: float = 0.0
    optimizer: Optimizer = SGD
    state: OptimizerState | None = None  # what the update starts from (None: fresh)

    @property
    def start(self) -> OptimizerState:
        return self.state or fresh_state(self.optimizer, self.arch.layers)


# f(x), and f′ written as the engine writes it (y = f(x) already computed)
_NUMPY_ACTIVATIONS = {
    "sigmoid": ("sigmoid(x)", "y * sigmoid(-x)"),
    "tanh": ("np.tanh(x)", "1.0 - y**2"),
    "relu": ("np.maximum(x, 0.0)", "(x > 0).astype(float)"),
    "leaky_relu": (f"np.where(x > 0, x, {LEAKY_SLOPE!r} * x)",
                   f"np.where(x > 0, 1.0, {LEAKY_SLOPE!r})"),
    "elu": (f"np.where(x > 0, x, {ELU_ALPHA!r} * np.expm1(np.minimum(x, 0.0)))",
            f"np.where(x > 0, 1.0, {ELU_ALPHA!r} * np.exp(np.minimum(x, 0.0)))"),
    "softplus": ("np.logaddexp(0.0, x)", "sigmoid(x)"),
    "linear": ("x.copy()", "np.ones_like(x)"),
    # The Jacobian's diagonal only: the backward pass goes through softmax with its loss.
    "softmax": ("np.exp(log_softmax(x))", "y * (1.0 - y)"),
}

_TORCH_ACTIVATIONS = {
    "sigmoid": "torch.sigmoid(x)",
    "tanh": "torch.tanh(x)",
    "relu": "torch.relu(x)",
    "leaky_relu": f"F.leaky_relu(x, {LEAKY_SLOPE!r})",
    "elu": f"F.elu(x, alpha={ELU_ALPHA!r})",
    "softplus": "torch.logaddexp(torch.zeros_like(x), x)",  # F.softplus cuts off at x > 20
    "linear": "x",
    "softmax": "torch.softmax(x, dim=1)",
}


def _literal(a: Array | float) -> str:
    """Numbers as Python reads them back exactly (repr: the shortest round trip)."""
    return repr(np.asarray(a, dtype=np.float64).tolist())


def _header(step: Step, flavour: str) -> list[str]:
    arch = step.arch
    lines = [
        f'"""One step of backpropagation on a {"-".join(map(str, arch.layers))} network, as '
        f"Backprop Playground showed it ({flavour}).",
        "",
        f"Hidden layers: {arch.activation}; output: {arch.output_activation}; loss: "
        f"{arch.loss}; learning rate α = {step.learning_rate!r}; L2 rate λ₂ = {step.l2!r}; "
        f"L1 rate λ₁ = {step.l1!r}; optimizer: {_rule_words(step.optimizer)}.",
        "weights[k][i][j] is the weight from node i of layer k to node j of layer k + 1 (the "
        "page's w⁽ᵏ⁺¹⁾ᵢⱼ, counting from 1); biases[k][j] is the bias of node j of layer k + 1.",
        f"{len(step.X)} sample(s): E and every ∂E/∂w and ∂E/∂b are means over them; ∂E/∂y "
        "and ∂E/∂x are each sample's own.",
        '"""',
    ]
    return lines


def _rule_words(opt: Optimizer) -> str:
    if opt.name == "momentum":
        return f"momentum with β = {opt.momentum!r}"
    if opt.name == "adam":
        return f"Adam with β₁ = {opt.beta1!r}, β₂ = {opt.beta2!r}, ε = {opt.epsilon!r}"
    return "plain gradient descent"


def _data(step: Step, array: str) -> list[str]:
    lines = [
        f"weights = [{array}(w) for w in {_literal_list(step.params.weights)}]",
        f"biases = [{array}(b) for b in {_literal_list(step.params.biases)}]",
        f"X = {array}({_literal(step.X)})  # one row per sample: the (raw) input values",
        f"T = {array}({_literal(step.T)})  # and their targets",
        f"learning_rate = {step.learning_rate!r}",
        f"l2 = {step.l2!r}",
        f"l1 = {step.l1!r}",
    ]
    opt, state = step.optimizer, step.start
    if opt.name == "momentum":
        assert state.first is not None
        lines += [f"momentum = {opt.momentum!r}  # β",
                  "# the velocity v of each weight and bias, before this update",
                  f"v_w = [{array}(v) for v in {_literal_list(state.first.weights)}]",
                  f"v_b = [{array}(v) for v in {_literal_list(state.first.biases)}]"]
    if opt.name == "adam":
        assert state.first is not None and state.second is not None
        lines += [f"beta1, beta2, epsilon = {opt.beta1!r}, {opt.beta2!r}, {opt.epsilon!r}",
                  f"t = {state.t + 1}  # this update's count: {state.t} made before it",
                  "# the moments m and s of each weight and bias, before this update",
                  f"m_w = [{array}(m) for m in {_literal_list(state.first.weights)}]",
                  f"m_b = [{array}(m) for m in {_literal_list(state.first.biases)}]",
                  f"s_w = [{array}(s) for s in {_literal_list(state.second.weights)}]",
                  f"s_b = [{array}(s) for s in {_literal_list(state.second.biases)}]"]
    return lines


def _numpy_update(opt: Optimizer) -> list[str]:
    """The update, written out for the optimizer: g, then the rule (as optimizers.apply)."""
    rule = {"sgd": ["# then w ← w − α·g"],
            "momentum": ["# then momentum: v ← β·v + g, w ← w − α·v"],
            "adam": ["# then Adam: m ← β₁·m + (1 − β₁)·g, s ← β₂·s + (1 − β₂)·g²,",
                     "# w ← w − α·m̂ / (√ŝ + ε) with m̂ = m / (1 − β₁ᵗ) and ŝ = s / (1 − β₂ᵗ)"],
            }[opt.name]
    lines = ["# The update: each weight's g = dE/dw + λ₂·w + λ₁·sign(w), each bias's g = dE/db,",
             *rule,
             "for k in range(L - 1):",
             "    g_w = gradients_w[k] + l2 * weights[k]",
             "    if l1:",
             "        g_w = g_w + l1 * np.sign(weights[k])",
             "    g_b = gradients_b[k]"]
    if opt.name == "sgd":
        return [*lines,
                "    show(f'w[{k + 1}] after', weights[k] - learning_rate * g_w)",
                "    show(f'b[{k + 1}] after', biases[k] - learning_rate * g_b)"]
    if opt.name == "momentum":
        return [*lines,
                "    v_w[k] = momentum * v_w[k] + g_w",
                "    v_b[k] = momentum * v_b[k] + g_b",
                "    show(f'w[{k + 1}] after', weights[k] - learning_rate * v_w[k])",
                "    show(f'b[{k + 1}] after', biases[k] - learning_rate * v_b[k])",
                "    show(f'v_w[{k + 1}] after', v_w[k])",
                "    show(f'v_b[{k + 1}] after', v_b[k])"]
    return [*lines,
            "    for name, p, g, m, s in (('w', weights, g_w, m_w, s_w),",
            "                             ('b', biases, g_b, m_b, s_b)):",
            "        m[k] = beta1 * m[k] + (1 - beta1) * g",
            "        s[k] = beta2 * s[k] + (1 - beta2) * (g * g)",
            "        m_hat, s_hat = m[k] / (1 - beta1 ** t), s[k] / (1 - beta2 ** t)",
            "        show(f'{name}[{k + 1}] after',",
            "             p[k] - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon))",
            "        show(f'm_{name}[{k + 1}] after', m[k])",
            "        show(f's_{name}[{k + 1}] after', s[k])"]


_FEATURE_CODE = {"x1_squared": "X[:, 0] * X[:, 0]", "x2_squared": "X[:, 1] * X[:, 1]",
                 "x1_x2": "X[:, 0] * X[:, 1]", "sin_x1": "{m}.sin(X[:, 0])",
                 "sin_x2": "{m}.sin(X[:, 1])"}


def _features(arch: Architecture, module: str) -> list[str]:
    """The input layer's derived features (engine/features.py), computed from X's raw
    inputs and put after them: the input layer's x and y."""
    if not arch.features:
        return []
    names = [f"x{i + 1}" for i in range(arch.inputs)] + [
        FEATURES[name].formula for name in arch.features]
    columns = ", ".join(_FEATURE_CODE[name].format(m=module) for name in arch.features)
    return [f"# The input layer: the raw inputs, then the derived features ({', '.join(names)})",
            f"X = {module}.column_stack([X, {columns}])",
            "show('x[0]', X)"]


def _literal_list(arrays: tuple[Array, ...]) -> str:
    return "[" + ", ".join(_literal(a) for a in arrays) + "]"


def numpy_script(step: Step) -> str:
    arch = step.arch
    L = len(arch.layers)
    f_hidden, df_hidden = _NUMPY_ACTIVATIONS[arch.activation]
    f_out, df_out = _NUMPY_ACTIVATIONS[arch.output_activation]
    cross_entropy = arch.loss == "cross_entropy"
    categorical = arch.loss == "categorical_cross_entropy"
    lines = _header(step, "NumPy")
    lines += [
        "import json",
        "",
        "import numpy as np",
        "",
        *_data(step, "np.array"),
        "",
        "",
        "def show(name, value):",
        "    print(name, '=', json.dumps(np.asarray(value, dtype=float).tolist()))",
        "",
        "",
        "def sigmoid(x):  # 1 / (1 + e^−x), from e^−|x|: exact in both tails",
        "    z = np.exp(-np.abs(x))",
        "    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))",
        "",
        "",
        *([
            "def log_softmax(x):  # ln y_k = x_k − ln Σ_j e^(x_j), shifted by the largest x:",
            "    top = np.argmax(x, axis=1)[:, None]  # no e^x overflows, and log1p keeps the",
            "    m = np.take_along_axis(x, top, axis=1)  # digits when one y is near 1",
            "    e = np.exp(x - m)",
            "    np.put_along_axis(e, top, 0.0, axis=1)  # the largest term, e^0 = 1, via log1p",
            "    return (x - m) - np.log1p(np.sum(e, axis=1, keepdims=True))",
            "",
            "",
        ] if categorical else []),
        f"def f_hidden(x):  # {arch.activation}",
        f"    return {f_hidden}",
        "",
        "",
        "def df_hidden(x, y):  # its slope f′(x), written with y = f(x) where that is exact",
        f"    return {df_hidden}",
        "",
        "",
        f"def f_output(x):  # {arch.output_activation}",
        f"    return {f_out}",
        "",
        "",
        "def df_output(x, y):",
        f"    return {df_out}",
        "",
        "",
        f"L = {L}  # layers, the input layer 0",
        "n = len(X)",
        *_features(arch, "np"),
        "# Forward: x = Σ y·w + b, then y = f(x), layer after layer",
        "xs, ys = [X], [X]",
        "for k in range(L - 1):",
        "    x = ys[k] @ weights[k] + biases[k]",
        "    xs.append(x)",
        "    ys.append(f_output(x) if k == L - 2 else f_hidden(x))",
        "    show(f'x[{k + 1}]', x)",
        "    show(f'y[{k + 1}]', ys[-1])",
        "x, y = xs[-1], ys[-1]",
    ]
    if cross_entropy:
        lines += [
            "# E = −Σ [t·ln y + (1 − t)·ln(1 − y)], computed from x: softplus(x) − t·x",
            "E_each = np.sum(np.where(x >= 0, (1 - T) * x, -T * x) + np.log1p(np.exp(-np.abs(x))),"
            " axis=1)",
        ]
    elif categorical:
        lines += [
            "# E = −Σ t·ln y, with ln y from the logits x (log-sum-exp): finite for any x",
            "log_y = log_softmax(x)",
            "E_each = 0.0 - np.sum(T * log_y, axis=1)",
        ]
    else:
        lines += ["# E = ½·Σ (y − t)²", "E_each = 0.5 * np.sum((y - T) ** 2, axis=1)"]
    lines += ["show('E', np.mean(E_each))", ""]
    if cross_entropy:
        lines += [
            "# Backward at the output: dE/dy = (y − t) / (y·(1 − y)), written with x;",
            "# through the sigmoid, dE/dx = y − t (with 1 − y taken as σ(−x) where x ≥ 0)",
            "with np.errstate(over='ignore'):",
            "    dE_dy = (np.where(T == 1, 0.0, (1 - T) * (1 + np.exp(x)))",
            "             - np.where(T == 0, 0.0, T * (1 + np.exp(-x))))",
            "dE_dx = np.where(x >= 0, (1 - T) - sigmoid(-x), sigmoid(x) - T)",
        ]
    elif categorical:
        lines += [
            "# Backward at the output: dE/dy_k = −t_k / y_k (0 where t_k = 0), written with ln y.",
            "with np.errstate(over='ignore', invalid='ignore'):",
            "    dE_dy = np.where(T == 0, 0.0, -T * np.exp(-log_y))",
            "# Softmax couples the outputs: each y_j depends on every x_k, with the Jacobian",
            "# ∂y_j/∂x_k = y_j·(δ_jk − y_k), i.e. np.diag(y) − np.outer(y, y) for one sample; so",
            "# dE/dx_k = Σ_j dE/dy_j·y_j·(δ_jk − y_k) = −t_k + y_k·Σ_j t_j = y_k − t_k (Σ t = 1)",
            "dE_dx = y - T",
        ]
    else:
        lines += [
            "# Backward at the output: dE/dy = y − t, then dE/dx = f′(x)·dE/dy",
            "dE_dy = y - T",
            "dE_dx = df_output(x, y) * dE_dy",
        ]
    lines += [
        "gradients_w, gradients_b = [None] * (L - 1), [None] * (L - 1)",
        "for layer in range(L - 1, 0, -1):",
        "    if layer < L - 1:  # a hidden layer: dE/dx = f′(x)·dE/dy",
        "        dE_dx = df_hidden(xs[layer], ys[layer]) * dE_dy",
        "    show(f'dE/dy[{layer}]', dE_dy)",
        "    show(f'dE/dx[{layer}]', dE_dx)",
        "    k = layer - 1",
        "    gradients_w[k] = ys[k].T @ dE_dx / n  # dE/dw = y·dE/dx (the mean over the samples)",
        "    gradients_b[k] = np.sum(dE_dx, axis=0) / n  # dE/db = dE/dx",
        "    dE_dy = dE_dx @ weights[k].T  # the layer below: dE/dy = Σ w·dE/dx",
        "for k in range(L - 1):",
        "    show(f'dE/dw[{k + 1}]', gradients_w[k])",
        "    show(f'dE/db[{k + 1}]', gradients_b[k])",
        "",
        *_numpy_update(step.optimizer),
    ]
    return "\n".join(lines) + "\n"


def pytorch_script(step: Step) -> str:
    arch = step.arch
    L = len(arch.layers)
    # dE/dy at the output when E was computed from x (the sigmoid's cross entropy), with x
    dE_dy = ["        show(f'dE/dy[{layer}]', torch.where(T == 1, 0.0, (1 - T) * (1 + "
             "torch.exp(x)))",
             "             - torch.where(T == 0, 0.0, T * (1 + torch.exp(-x))))"]
    if arch.loss == "cross_entropy":
        loss = ["# E = −Σ [t·ln y + (1 − t)·ln(1 − y)], from x (the logits)",
                "E = F.binary_cross_entropy_with_logits(x, T, reduction='none').sum(1).mean()"]
    elif arch.loss == "categorical_cross_entropy":
        loss = ["# E = −Σ t·ln y, from x (the logits): log_softmax is the stable log-sum-exp",
                "E = -(T * torch.log_softmax(x, dim=1)).sum(1).mean()"]
        dE_dy = ["        # with softmax: −t / y, as −t·e^(−ln y) (0 where t = 0)",
                 "        show(f'dE/dy[{layer}]', torch.where(T == 0, 0.0, -T * torch.exp(",
                 "            -torch.log_softmax(x, dim=1))))"]
    else:
        loss = ["# E = ½·Σ (y − t)², the mean over the samples", "E = (0.5 * ((y - T) ** 2)"
                ".sum(1)).mean()"]
    lines = _header(step, "PyTorch")
    lines += [
        "import json",
        "",
        "import torch",
        "import torch.nn.functional as F",
        "",
        "torch.set_default_dtype(torch.float64)",
        *_data(step, "torch.tensor"),
        "for p in weights + biases:",
        "    p.requires_grad_(True)",
        "",
        "",
        "def show(name, value):",
        "    print(name, '=', json.dumps(value.detach().tolist()))",
        "",
        "",
        f"L = {L}",
        "n = len(X)",
        *_features(arch, "torch"),
        "xs, ys = [X], [X]",
        "for k in range(L - 1):",
        "    x = ys[k] @ weights[k] + biases[k]",
        "    x.retain_grad()",
        f"    y = {_TORCH_ACTIVATIONS[arch.output_activation]} if k == L - 2 else "
        f"{_TORCH_ACTIVATIONS[arch.activation]}",
        "    if y is x:  # linear: y is x itself; a copy, to hold its own gradient",
        "        y = x.clone()",
        "    y.retain_grad()",
        "    xs.append(x)",
        "    ys.append(y)",
        "    show(f'x[{k + 1}]', x)",
        "    show(f'y[{k + 1}]', y)",
        *loss,
        "show('E', E)",
        "E.backward()  # autograd: the chain rule, layer by layer",
        "# E is the mean over the samples: each sample's own dE/dy and dE/dx are n times the",
        "# gradients autograd gives for E",
        "for layer in range(L - 1, 0, -1):",
        "    if ys[layer].grad is None:  # E was computed from x: at y, "
        + ("the formula below," if arch.loss == "categorical_cross_entropy"
           else "(y − t) / (y·(1 − y)),"),
        "        x = xs[layer]           # written with x, as the page computes it",
        *dE_dy,
        "    else:",
        "        show(f'dE/dy[{layer}]', ys[layer].grad * n)",
        "    show(f'dE/dx[{layer}]', xs[layer].grad * n)",
        "for k in range(L - 1):",
        "    show(f'dE/dw[{k + 1}]', weights[k].grad)",
        "    show(f'dE/db[{k + 1}]', biases[k].grad)",
        *_torch_update(step.optimizer),
    ]
    return "\n".join(lines) + "\n"


def _torch_update(opt: Optimizer) -> list[str]:
    """The update by torch.optim, with λ₂ as the weights' weight_decay (the biases have none)
    and λ₁·sign(w) added to each weight's gradient first (torch.optim has no L1)."""
    make = {"sgd": "torch.optim.SGD(groups, lr=learning_rate)",
            "momentum": "torch.optim.SGD(groups, lr=learning_rate, momentum=momentum)",
            "adam": "torch.optim.Adam(groups, lr=learning_rate, betas=(beta1, beta2), "
                    "eps=epsilon)"}[opt.name]
    lines = [
        "# The update by torch.optim: L2 as the weights' weight_decay, L1 added to the gradient",
        "groups = [{'params': weights, 'weight_decay': l2},",
        "          {'params': biases, 'weight_decay': 0.0}]",
        f"optimizer = {make}",
    ]
    if opt.name == "momentum":
        lines += ["for p, v in zip(weights + biases, v_w + v_b):  # the velocity so far",
                  "    optimizer.state[p]['momentum_buffer'] = v.clone()"]
    if opt.name == "adam":
        lines += ["for p, m, s in zip(weights + biases, m_w + m_b, s_w + s_b):  # so far",
                  "    optimizer.state[p] = {'step': torch.tensor(float(t - 1)),",
                  "                          'exp_avg': m.clone(), 'exp_avg_sq': s.clone()}"]
    lines += [
        "with torch.no_grad():",
        "    for w in weights:",
        "        w.grad += l1 * torch.sign(w)",
        "optimizer.step()",
        "for k in range(L - 1):",
        "    show(f'w[{k + 1}] after', weights[k])",
        "    show(f'b[{k + 1}] after', biases[k])",
    ]
    if opt.name == "momentum":
        lines += ["    show(f'v_w[{k + 1}] after', optimizer.state[weights[k]]['momentum_buffer'])",
                  "    show(f'v_b[{k + 1}] after', optimizer.state[biases[k]]['momentum_buffer'])"]
    if opt.name == "adam":
        lines += ["    for name, p in (('w', weights[k]), ('b', biases[k])):",
                  "        show(f'm_{name}[{k + 1}] after', optimizer.state[p]['exp_avg'])",
                  "        show(f's_{name}[{k + 1}] after', optimizer.state[p]['exp_avg_sq'])"]
    return lines


def script(step: Step, flavour: Flavour) -> str:
    return numpy_script(step) if flavour == "numpy" else pytorch_script(step)
