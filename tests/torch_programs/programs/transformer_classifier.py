# A small sequence classifier with torch's transformer blocks, as course notebooks build
# one: token Embedding + a learned positional Parameter, nn.TransformerEncoder over
# batch_first pre-norm GELU layers with a padding mask, masked mean pooling, a Linear
# head, label-smoothed cross_entropy, SGD with Nesterov momentum and weight decay, and a
# cosine LR schedule; plus one nn.MultiheadAttention call whose weights are inspected.
# Dropout is 0 so that both engines follow the same path; data come from NumPy.
# NOTE: not Adam: the key projection's bias has an exactly-zero gradient (a softmax
# ignores a score added to every key), so its float32 gradient is rounding noise, which
# Adam divides by its own size into full-size steps that no two engines share.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import init_from_numpy

vocab, length, classes, d_model = 12, 7, 3, 16
rng = np.random.default_rng(0)
tokens = torch.from_numpy(rng.integers(1, vocab, (24, length)))
lengths = rng.integers(3, length + 1, 24)
padding = torch.from_numpy(np.arange(length)[None, :] >= lengths[:, None])  # True: pad
tokens = tokens.masked_fill(padding, 0)
labels = torch.from_numpy((tokens.sum(1) % classes).numpy())


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model, padding_idx=0)
        self.position = nn.Parameter(torch.zeros(1, length, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=32, dropout=0.0,
                                           activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(d_model, classes)

    def forward(self, idx, pad):
        x = self.embed(idx) + self.position[:, :idx.shape[1]]
        x = self.encoder(x, src_key_padding_mask=pad)           # (B, T, d_model)
        keep = (~pad).unsqueeze(-1).to(x.dtype)
        pooled = (x * keep).sum(1) / keep.sum(1)               # mean over real tokens
        return self.head(pooled)


model = Classifier()
init_from_numpy(torch, model, scale=0.3)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True,
                            weight_decay=0.01)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=5)
for step in range(5):
    logits = model(tokens, padding)
    loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(step, loss.item())

attention = model.encoder.layers[0].self_attn
x = model.embed(tokens[:2]).detach()
_, weights = attention(x, x, x, key_padding_mask=padding[:2])
print(weights.shape, weights.sum(-1).mean().item())            # rows sum to 1
parameters = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
print(f"final loss: {loss.item()}")
