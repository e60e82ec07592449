# From the PyTorch tutorial "Learning PyTorch with Examples": fit y = sin(x) with a cubic,
# tensors and autograd, and a manual gradient-descent update under no_grad.
import math

import numpy as np
import torch

dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

rng = np.random.default_rng(0)
a, b, c, d = (torch.tensor(rng.standard_normal(()), dtype=dtype, requires_grad=True)
              for _ in range(4))

learning_rate = 1e-6
for t in range(300):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
print(f"final loss: {loss.item()}")
