# From the PyTorch tutorial: the cubic fit as an nn.Module trained by an optimizer.
import math

import torch
from _common import init_from_numpy


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.zeros(()))
        self.b = torch.nn.Parameter(torch.zeros(()))
        self.c = torch.nn.Parameter(torch.zeros(()))
        self.d = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
init_from_numpy(torch, model)
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(200):
    loss = loss_fn(model(xx), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

poly = Polynomial3()
init_from_numpy(torch, poly, seed=1)
optimizer = torch.optim.SGD(poly.parameters(), lr=1e-6, momentum=0.9)
for t in range(200):
    loss2 = torch.nn.functional.mse_loss(poly(x), y, reduction="sum")
    optimizer.zero_grad()
    loss2.backward()
    optimizer.step()

print(f"final loss: {loss.item() + loss2.item()}")
