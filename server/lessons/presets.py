"""The lessons that come with the page, written by us (docs/teaching.md): each opens at
/l/<its id>, as a teacher's would. Their networks start from a seed (the same weights at
every visit) or, where the lesson needs a node in a given state, from weights written here."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.datasets import make_dataset, split
from ..engine.mlp import init_parameters


def _initial(layers: tuple[int, ...], seed: int) -> tuple[list, list]:
    """The weights and biases a network of `layers` starts with from `seed` (as the server
    draws them), as lists."""
    params = init_parameters(layers, np.random.default_rng(seed))
    return [w.tolist() for w in params.weights], [b.tolist() for b in params.biases]


def _dead_relu() -> dict[str, Any]:
    """1-2-2-1 relu whose first hidden node's bias is far below 0: its x stays negative."""
    weights, biases = _initial((1, 2, 2, 1), 4)
    biases[0][0] = -3.0
    return {"layers": [1, 2, 2, 1], "activation": "relu", "output_activation": "sigmoid",
            "learning_rate": 0.5, "seed": 4, "weights": weights, "biases": biases}


SAMPLE = {"input": [0.8], "target": [0.2]}

DIGITS = {"name": "digits", "size": 1797, "noise": 0, "seed": 0, "test_fraction": 0.2}


def _first_digit() -> dict[str, list[float]]:
    """The digits lesson's sample: the first training image, as the page takes it."""
    train, _ = split(make_dataset(DIGITS["name"], DIGITS["size"], DIGITS["noise"],
                                  DIGITS["seed"]), DIGITS["test_fraction"])
    return {"input": train.X[0].tolist(), "target": train.T[0].tolist()}

PRESETS: dict[str, dict[str, Any]] = {
    "one-step": {
        "title": "One step by hand",
        "text": "A sample goes forward through the network, its error E is measured, the "
                "gradients come back, and every weight takes a small step. Predict each "
                "number before it appears.",
        "state": {"network": {"layers": [1, 2, 2, 1], "seed": 1}, "sample": SAMPLE},
        "hide": ["gradients", "landscape", "training", "gradcheck", "share"],
        "predict": True,
        "steps": ["Press Next, and answer before each phase.",
                  "At the error: why is there a ½ in E? (The panel says, under E's formula.)",
                  "At the update: did E go down, and by about what the panel predicted?"],
    },
    "chain-rule": {
        "title": "The chain rule in a hidden node",
        "text": "A hidden node's output y reaches E only through the nodes of the layer "
                "above: the chain rule adds one term per path.",
        "state": {"network": {"layers": [1, 2, 2, 1], "seed": 2}, "sample": SAMPLE},
        "hide": ["landscape", "training", "gradcheck", "share"],
        "predict": False,
        "steps": ["Press Backward.",
                  "Click node 1 of hidden layer 1: check that ∂E/∂y = Σ w·∂E/∂x with the "
                  "numbers of the layer above.",
                  "Click node 1, then node 2, of hidden layer 2: in each one's computational "
                  "graph, the ∂ on the edge from y₁ is one term of that sum."],
    },
    "lr-too-large": {
        "title": "A learning rate too large",
        "text": "Gradient descent takes steps of α times the gradient. Too large, and each step "
                "overshoots the valley and lands higher on its other side: E rises instead of "
                "falling. Here a linear network and α = 2.",
        "state": {"network": {"layers": [1, 2, 2, 1], "seed": 6, "activation": "linear",
                              "output_activation": "linear", "learning_rate": 2},
                  "sample": SAMPLE},
        "hide": ["gradients", "gradcheck", "share"],
        "predict": False,
        "steps": ["Press Step three times: watch E before and after each update.",
                  "Set the learning rate to 0.1, and press Step three times again.",
                  "Compare the update's ΔE with the prediction −α·Σ(∂E/∂p)²: when do they "
                  "agree?"],
    },
    "vanishing": {
        "title": "Vanishing gradients",
        "text": "Each sigmoid layer multiplies the gradient by w·f′(x), and sigmoid's f′ is "
                "at most 0.25: six layers deep, the first layers barely learn.",
        "state": {"network": {"layers": [1, 4, 4, 4, 4, 4, 1], "seed": 5}, "dataset": None},
        "hide": ["landscape", "gradcheck", "share"],
        "predict": False,
        "steps": ["Press Backward and look at Gradient size by layer.",
                  "Change the activation to relu and press Backward again.",
                  "Which layers' bars grew?"],
    },
    "init-deep": {
        "title": "Initial weights in a deep network",
        "text": "Six layers of sigmoid. How the first weights are drawn decides whether the "
                "gradient reaches the first layers: each layer multiplies it by w·f′(x), so "
                "weights too small shrink it layer after layer, and weights all equal make "
                "the nodes of a layer learn alike.",
        "state": {"network": {"layers": [1, 4, 4, 4, 4, 4, 1], "seed": 5,
                              "init": "glorot_uniform"}, "sample": SAMPLE, "dataset": None},
        "hide": ["landscape", "gradcheck", "share"],
        "predict": False,
        "steps": ["Press Backward and look at Gradient size by layer (Glorot uniform).",
                  "Choose Initial weights: Small uniform, and press Backward again: how many "
                  "times smaller are the first layer's gradients than the last's now?",
                  "Try He normal, then Zeros: with zeros, why do the four nodes of each "
                  "hidden layer show the same numbers?"],
    },
    "dead-relu": {
        "title": "A dead relu",
        "text": "A relu node whose x stays below 0 outputs 0 and passes no gradient back: its "
                "slope f′ is 0 there. Its incoming weights stop learning.",
        "state": {"network": _dead_relu(), "sample": SAMPLE},
        "hide": ["landscape", "gradcheck", "share"],
        "predict": False,
        "steps": ["Press Backward and click node 1 of hidden layer 1: look at its operating "
                  "point.",
                  "What is ∂E/∂w of the weights into it?",
                  "Set its bias to 0.5 and press Backward again."],
    },
    "xor-hidden": {
        "title": "Why XOR needs a hidden layer",
        "text": "Without a hidden layer the output is a function of one weighted sum of the "
                "inputs: one straight boundary. XOR's classes cannot be parted by one line.",
        "state": {"network": {"layers": [2, 1], "seed": 6, "learning_rate": 1},
                  "dataset": {"name": "xor", "size": 200, "noise": 0, "seed": 0,
                              "test_fraction": 0.2},
                  "training": {"batch_size": 10, "steps_per_frame": 10}},
        "hide": ["gradients", "landscape", "gradcheck"],
        "predict": False,
        "steps": ["Press Play: how far does the accuracy get?",
                  "Under Keep and share, rebuild as 2-4-1 and press Play again.",
                  "Point at the hidden nodes: each draws one line; the output combines them."],
    },
    "features": {
        "title": "A feature instead of a hidden layer",
        "text": "XOR's class is the sign of x₁·x₂. A network without a hidden layer draws one "
                "straight boundary and cannot part it; given x₁·x₂ as an input node (a derived "
                "feature, computed from x₁ and x₂ before the pass), the same network with no "
                "hidden layer learns it: the feature did the hidden layer's work.",
        "state": {"network": {"layers": [3, 1], "features": ["x1_x2"], "seed": 6,
                              "learning_rate": 1, "loss": "cross_entropy"},
                  "sample": {"input": [0.6, -0.4], "target": [0]},
                  "dataset": {"name": "xor", "size": 200, "noise": 0, "seed": 0,
                              "test_fraction": 0.2},
                  "training": {"batch_size": 10, "steps_per_frame": 10}},
        "hide": ["gradients", "landscape", "gradcheck"],
        "predict": False,
        "steps": ["Press Next and click input node 3: how is its x computed?",
                  "Press Play: how far does the accuracy get? (Compare the lesson \"Why XOR "
                  "needs a hidden layer\", the same network without the feature.)",
                  "Under Keep and share, untick x₁·x₂ and press Play again.",
                  "Which weight grew largest, and what is its sign?"],
    },
    "softmax": {
        "title": "Softmax couples the outputs",
        "text": "A softmax output turns the x of its nodes into probabilities of classes: "
                "yₖ = e^xₖ / Σⱼ e^xⱼ, so every y depends on every x, and the y's add up to 1. "
                "With categorical cross entropy, E = −Σ t ln y, the backward pass through "
                "that coupling comes to ∂E/∂x = y − t.",
        "state": {"network": {"layers": [2, 4, 3], "seed": 3, "activation": "tanh",
                              "output_activation": "softmax",
                              "loss": "categorical_cross_entropy", "learning_rate": 0.5},
                  "sample": {"input": [0.3, -0.5], "target": [0, 1, 0]},
                  "dataset": {"name": "clusters3", "size": 200, "noise": 0.1, "seed": 0,
                              "test_fraction": 0.2},
                  "training": {"batch_size": 10, "steps_per_frame": 10}},
        "hide": ["landscape", "gradcheck"],
        "predict": False,
        "steps": ["Press Forward and click output node 2: its y is written with the x of "
                  "every output node.",
                  "Press Next twice: at the error, which term of −Σ t ln y is left?",
                  "Backward at output node 2: follow the Jacobian column ∂yₘ/∂x₂ and the "
                  "sum that comes to y − t.",
                  "Press Play: the regions take their classes' colours, and the confusion "
                  "table fills its diagonal."],
    },
    "digits": {
        "title": "Handwritten digits: the source article's network",
        "text": "64 pixels in, 32 sigmoid nodes, 10 softmax outputs: the network of Nielsen's "
                "network.py, on 1,797 real 8×8 digits. Each hidden tile pictures the 64 "
                "weights into its node, where their pixels are: before training they are "
                "noise; after a few seconds of Play, strokes appear, what each node looks "
                "for. The test images are never trained on: their accuracy says whether the "
                "network learned digits or the training images.",
        "state": {"network": {"layers": [64, 32, 10], "seed": 1, "activation": "sigmoid",
                              "output_activation": "softmax",
                              "loss": "categorical_cross_entropy", "learning_rate": 0.5},
                  "sample": _first_digit(),
                  "dataset": DIGITS,
                  "training": {"batch_size": 32, "steps_per_frame": 10}},
        "hide": ["landscape"],
        "predict": False,
        "steps": ["Press Forward: which output bar is longest before any training, and why "
                  "are the bars so alike?",
                  "Click a tile, then a cell in the box under the image: that weight's w, "
                  "and after Backward its ∂E/∂w, a pixel's value times the node's ∂E/∂x.",
                  "Press Play for ten seconds, then Pause: what do the tiles look like now, "
                  "and what is the test accuracy?",
                  "Which digits does the test table mix up most?",
                  "Clear the drawing under Sample and draw a digit: which bar wins?"],
    },
}
