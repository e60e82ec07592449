# Hand-written training code that leans on in-place semantics: a buffer filled row by row
# from values that need gradients (an unrolled RNN), the += accumulation of a loss,
# masked_fill_, clamp_ and an Adagrad run.
import numpy as np
import torch

rng = np.random.default_rng(0)
inputs = torch.from_numpy(rng.standard_normal((5, 3, 4)).astype(np.float32))  # (T, B, D)
targets = torch.from_numpy(rng.standard_normal((3, 6)).astype(np.float32))
W_x = torch.tensor(rng.uniform(-0.3, 0.3, (4, 6)).astype(np.float32), requires_grad=True)
W_h = torch.tensor(rng.uniform(-0.3, 0.3, (6, 6)).astype(np.float32), requires_grad=True)
optimizer = torch.optim.Adagrad([W_x, W_h], lr=0.1)

for step in range(40):
    hidden = torch.zeros(5, 3, 6)  # filled in place below
    h = torch.zeros(3, 6)
    for t in range(5):
        h = torch.tanh(inputs[t] @ W_x + h @ W_h)
        hidden[t] = h
    loss = torch.zeros(())
    for t in range(5):
        loss += ((hidden[t] - targets) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        W_h.clamp_(-1.0, 1.0)
        W_x.masked_fill_(W_x.abs() < 1e-4, 0.0)

print(f"final loss: {loss.item()}")
