# The bigram language model of Karpathy's "Let's build GPT" lecture (bigram.py): an
# embedding table read as next-character logits, cross_entropy on views, AdamW, and
# generation by multinomial sampling. Batches are drawn with NumPy instead of
# torch.randint, so that both engines see the same ones.
import numpy as np
import torch
import torch.nn as nn
from _common import init_from_numpy
from torch.nn import functional as F

text = ("First Citizen: Before we proceed any further, hear me speak. All: Speak, speak. "
        "First Citizen: You are all resolved rather to die than to famish? All: Resolved. "
        "resolved. First Citizen: First, you know Caius Marcius is chief enemy to the people.")
chars = sorted(list(set(text)))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for i, ch in enumerate(chars)}
encode = lambda s: [stoi[c] for c in s]
decode = lambda l: "".join([itos[i] for i in l])

data = torch.tensor(encode(text), dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]
batch_size, block_size = 8, 8
rng = np.random.default_rng(0)


def get_batch(split):
    data = train_data if split == "train" else val_data
    ix = torch.from_numpy(rng.integers(0, len(data) - block_size, batch_size))
    x = torch.stack([data[i:i + block_size] for i in ix])
    y = torch.stack([data[i + 1:i + block_size + 1] for i in ix])
    return x, y


class BigramLanguageModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)

    def forward(self, idx, targets=None):
        logits = self.token_embedding_table(idx)  # (B,T,C)
        if targets is None:
            loss = None
        else:
            B, T, C = logits.shape
            logits = logits.view(B * T, C)
            targets = targets.view(B * T)
            loss = F.cross_entropy(logits, targets)
        return logits, loss

    def generate(self, idx, max_new_tokens):
        for _ in range(max_new_tokens):
            logits, loss = self(idx)
            logits = logits[:, -1, :]  # becomes (B, C)
            probs = F.softmax(logits, dim=-1)  # (B, C)
            idx_next = torch.multinomial(probs, num_samples=1)  # (B, 1)
            idx = torch.cat((idx, idx_next), dim=1)  # (B, T+1)
        return idx


model = BigramLanguageModel(vocab_size)
init_from_numpy(torch, model, scale=1.0)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
for steps in range(300):
    xb, yb = get_batch("train")
    logits, loss = model(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()

sample = model.generate(idx=torch.zeros((1, 1), dtype=torch.long), max_new_tokens=20)
print(decode(sample[0].tolist()))
print(f"final loss: {loss.item()}")
