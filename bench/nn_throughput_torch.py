"""The PyTorch half of bench/nn_throughput.mjs: the same network, data and steps on one CPU
thread, float32. 20 inputs, a learnable scale per input, 128 -> 128 (ReLU) -> 2, AdamW
(betas 0.9, 0.95, lr 0.003, weight decay 0.02), cross-entropy with label smoothing 0.1, batch
128 over 1,600 shuffled rows, and the 400 other rows scored after each epoch, 10 epochs; rows x
epochs per second counts all 2,000 rows, as the engine's measure does. Prints one JSON line:
the median of the fits' rates, each rate, and torch's version.

    python bench/nn_throughput_torch.py [--reps 5]

(Run it from a virtual environment outside the repository: python3 -m venv /tmp/torchenv &&
/tmp/torchenv/bin/pip install torch.)
"""
import argparse
import json
import statistics
import time

import torch

ROWS, COLS, EPOCHS, BATCH = 2000, 20, 10, 128


def table():
    """The LCG of bench/simd.mjs, seed 12345, row by row; class x0 + x1 x2 > 0."""
    state = 12345
    data = []
    for _ in range(ROWS * COLS):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        data.append((state >> 11) / 2**53 * 2 - 1)
    x = torch.tensor(data, dtype=torch.float64).reshape(ROWS, COLS)
    y = ((x[:, 0] + x[:, 1] * x[:, 2]) > 0).long()
    return x.float(), y


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(COLS))
        self.body = torch.nn.Sequential(
            torch.nn.Linear(COLS, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 2),
        )

    def forward(self, x):
        return self.body(x * self.scale)


def fit(x, y, seed):
    torch.manual_seed(seed)
    order = torch.randperm(ROWS)
    valid, train = order[: ROWS // 5], order[ROWS // 5:]
    xt, yt, xv, yv = x[train], y[train], x[valid], y[valid]
    net = Net()
    opt = torch.optim.AdamW(net.parameters(), lr=0.003, betas=(0.9, 0.95), weight_decay=0.02)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    for _ in range(EPOCHS):
        perm = torch.randperm(len(train))
        for i in range(0, len(train), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            torch.nn.functional.cross_entropy(net(xv), yv).item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    reps = parser.parse_args().reps
    torch.set_num_threads(1)
    x, y = table()
    fit(x, y, 0)  # warm-up
    rates = []
    for r in range(reps):
        start = time.perf_counter()
        fit(x, y, r)
        rates.append(ROWS * EPOCHS / (time.perf_counter() - start))
    print(json.dumps({"rate": statistics.median(rates), "runs": [round(v) for v in rates],
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
