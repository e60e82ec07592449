# A small image-to-image network in the style of course notebooks on super-resolution
# and generators: GroupNorm and InstanceNorm, SiLU / Mish / Softplus / Hardswish, a
# sub-pixel (PixelShuffle) upsampling, an adaptive max-pool head, Unfold/Fold patches,
# a KL term on the head, a cosine-similarity term, parameters in a ParameterList, and a
# few steps of SGD with momentum. Data and weights come from NumPy (see _common.py).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import init_from_numpy


class Upsampler(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.SiLU(),
            nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.InstanceNorm2d(8, affine=True),
            nn.Mish(),
        )
        # 8 -> 4 * 2^2 channels, shuffled into a 2x larger image of 4 channels
        self.upsample = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.PixelShuffle(2),
                                      nn.Hardswish())
        self.decoder = nn.Conv2d(4, 1, 3, padding=1)
        self.head = nn.Sequential(nn.AdaptiveMaxPool2d((2, 2)), nn.Flatten(),
                                  nn.Linear(32, 3), nn.LogSoftmax(dim=1))
        self.gains = nn.ParameterList([nn.Parameter(torch.ones(1)) for _ in range(2)])

    def forward(self, x):
        features = self.encoder(x)                       # (N, 8, 4, 4)
        image = self.decoder(self.upsample(features))    # (N, 1, 8, 8)
        image = F.softplus(image * self.gains[0], beta=2.0) * self.gains[1]
        return image, self.head(features)


rng = np.random.default_rng(0)
dtype = torch.get_default_dtype()  # float32, unless the caller chose float64
x = torch.from_numpy(rng.uniform(0, 1, (6, 1, 8, 8))).to(dtype)
target_distribution = torch.from_numpy(rng.dirichlet(np.ones(3), size=6)).to(dtype)

model = Upsampler()
init_from_numpy(torch, model, scale=0.3)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
kl = nn.KLDivLoss(reduction="batchmean")
for step in range(3):
    optimizer.zero_grad()
    image, log_q = model(x)
    # patches of 4x4 pixels, compared as vectors; fold(unfold(.)) puts them back
    patches = F.unfold(image, kernel_size=4, stride=4)             # (N, 16, 4)
    rebuilt = F.fold(patches, output_size=(8, 8), kernel_size=4, stride=4)
    reconstruction = F.mse_loss(rebuilt, x)
    similarity = F.cosine_similarity(patches, F.unfold(x, 4, stride=4), dim=1).mean()
    loss = reconstruction + kl(log_q, target_distribution) + (1 - similarity)
    loss.backward()
    optimizer.step()
    print(step, loss.item())

parameters = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
print(f"final loss: {loss.item()}")
