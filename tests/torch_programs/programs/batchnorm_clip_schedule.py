# A classifier in the style of many course notebooks: BatchNorm1d, weight init with
# nn.init, gradient clipping, a StepLR schedule, a hook that logs gradient norms, and
# evaluation under torch.no_grad() with model.eval().
import numpy as np
import torch
import torch.nn as nn
from _common import init_from_numpy

rng = np.random.default_rng(0)
X = rng.standard_normal((200, 4)).astype(np.float32)
y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(np.float32)
X, y = torch.from_numpy(X), torch.from_numpy(y)

model = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 1))
init_from_numpy(torch, model, scale=0.5)
grad_norms = []
model[0].weight.register_hook(lambda grad: grad_norms.append(grad.norm().item()))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=20, gamma=0.5)
for epoch in range(60):
    model.train()
    optimizer.zero_grad()
    loss = criterion(model(X).squeeze(1), y)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    scheduler.step()

model.eval()
with torch.no_grad():
    eval_loss = criterion(model(X).squeeze(1), y)
    accuracy = ((model(X).squeeze(1) > 0).float() == y).float().mean()
print(len(grad_norms), accuracy.item())
print(f"final loss: {loss.item() + eval_loss.item() + grad_norms[-1]}")
