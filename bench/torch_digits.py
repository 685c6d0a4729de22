"""PyTorch's training rate on the digits' network, for `python -m bench` to compare with the
compiled kernel. Run as a script by an interpreter that has torch (this project's own, or the
one BACKPROP_TORCH_PYTHON names): it imports nothing of the project.

    python bench/torch_digits.py '{"layers": [64, 32, 10], "batch": 32, "points": 1797,
                                   "seconds": 1.0, "rounds": 3, "optimizer": "sgd"}'

prints {"rate": samples per second (the best round), "torch": its version}. The network is
the kernel's: Linear layers with sigmoid hidden nodes, a softmax output with categorical cross
entropy from the logits (F.cross_entropy with probability targets: log-sum-exp), float64 on
one thread, plain SGD (or Adam); the inputs are random 8×8-like images in {0, …, 16}/16 with
one-hot targets, trained in mini-batches cut from an epoch shuffled anew each time, as the
kernel does.
"""

from __future__ import annotations

import json
import sys
import time
from itertools import pairwise


def rate(layers: list[int], batch: int, points: int, seconds: float, rounds: int,
         optimizer: str) -> float:
    import torch
    import torch.nn.functional as F  # noqa: N812 (PyTorch's own name)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    dtype = torch.float64
    X = torch.randint(0, 17, (points, layers[0]), dtype=dtype) / 16.0
    T = F.one_hot(torch.randint(0, layers[-1], (points,)), layers[-1]).to(dtype)
    modules: list[torch.nn.Module] = []
    for k, (a, b) in enumerate(pairwise(layers)):
        modules.append(torch.nn.Linear(a, b, dtype=dtype))
        if k < len(layers) - 2:
            modules.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*modules)
    opt = (torch.optim.Adam(model.parameters(), lr=0.001) if optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=0.01))
    best = 0.0
    for _ in range(rounds):
        done, position = 0, points
        Xe, Te = X, T
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(50):  # steps between looks at the clock
                if position >= points:  # a new epoch, shuffled
                    order = torch.randperm(points)
                    Xe, Te, position = X[order], T[order], 0
                xb, tb = Xe[position:position + batch], Te[position:position + batch]
                position += xb.shape[0]
                opt.zero_grad()
                loss = F.cross_entropy(model(xb), tb)
                loss.backward()
                opt.step()
                done += xb.shape[0]
        best = max(best, done / (time.perf_counter() - start))
    return best


if __name__ == "__main__":
    import torch

    settings = json.loads(sys.argv[1])
    print(json.dumps({"rate": rate(**settings), "torch": torch.__version__}))
