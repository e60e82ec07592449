# The PyTorch "What is torch.nn really?" tutorial: logistic regression on MNIST written from
# scratch (weights with requires_grad, log_softmax, manual update and grad.zero_()), then
# refactored with nn.Module, TensorDataset, DataLoader and optim.
import math

import numpy as np
import torch
import torch.nn.functional as F
from _common import mnist
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

images, labels = mnist(1000)
x_train, y_train = map(torch.tensor, (images.reshape(-1, 784), labels))
n, c = x_train.shape
rng = np.random.default_rng(0)
weights = torch.from_numpy(rng.standard_normal((784, 10)).astype(np.float32)) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll
bs, lr = 64, 0.5
for epoch in range(2):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs:i * bs + bs], y_train[i * bs:i * bs + bs]
        loss = loss_func(model(xb), yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
first = loss.item()


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


net = Mnist_Logistic()
with torch.no_grad():
    net.lin.weight.copy_(weights.t())
    net.lin.bias.copy_(bias)
opt = optim.SGD(net.parameters(), lr=0.1)
train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=bs)
for xb, yb in train_dl:
    loss = F.cross_entropy(net(xb), yb)
    loss.backward()
    opt.step()
    opt.zero_grad()
print(f"final loss: {first + loss.item()}")
