# A character-level LSTM language model as course notebooks write it (the "char-rnn"
# exercise): Embedding -> 2-layer LSTM (batch_first, dropout between layers) -> Linear,
# cross_entropy over every position, clip_grad_norm_, Adam, the hidden state carried
# (detached) from batch to batch, then greedy generation one character at a time,
# feeding the LSTM its own state. Batches come from NumPy.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import init_from_numpy

text = ("to be, or not to be, that is the question: whether 'tis nobler in the mind to "
        "suffer the slings and arrows of outrageous fortune, or to take arms against a sea "
        "of troubles and by opposing end them. to die, to sleep; no more; and by a sleep")
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
dtype = torch.get_default_dtype()


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed=8, hidden=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True, dropout=0.0)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, state=None):
        output, state = self.lstm(self.embed(idx), state)      # (B, T, H)
        return self.head(output), state                        # (B, T, vocab)


model = CharLSTM(len(chars))
init_from_numpy(torch, model, scale=0.3)
model.lstm.flatten_parameters()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
rng = np.random.default_rng(0)
batch, steps = 4, 12
state = None
for step in range(6):
    starts = rng.integers(0, len(data) - steps - 1, batch)
    x = torch.stack([data[s:s + steps] for s in starts])
    y = torch.stack([data[s + 1:s + steps + 1] for s in starts])
    logits, state = model(x, state)
    state = tuple(s.detach() for s in state)                   # truncated BPTT
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    print(step, loss.item())

model.eval()
with torch.no_grad():
    idx, generated, state = torch.tensor([[stoi["t"]]]), "t", None
    for _ in range(20):
        logits, state = model(idx, state)
        idx = logits[:, -1].argmax(-1, keepdim=True)
        generated += chars[idx.item()]
print(repr(generated))
parameters = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
print(f"final loss: {loss.item()}")
