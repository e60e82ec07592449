"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998), as in the course's table.

=========  ===============  ============  ===========  ======  ==========
layer      type             feature maps  output size  kernel  activation
=========  ===============  ============  ===========  ======  ==========
input      image            1             32x32
1          convolution      6             28x28        5x5     tanh
2          average pooling  6             14x14        2x2/2
3          convolution      16            10x10        5x5     tanh
4          average pooling  16            5x5          2x2/2
5          convolution      120           1x1          5x5     tanh
6          fully connected               84                    tanh
output     fully connected               10                    (softmax in the loss)
=========  ===============  ============  ===========  ======  ==========

61,706 parameters. MNIST's 28x28 digits are padded to 32x32 as in the paper.
"""

from __future__ import annotations

from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["lenet5"]


def lenet5(nn: ModuleType | None = None, num_classes: int = 10, in_channels: int = 1,
           activation: str = "tanh", pooling: str = "avg"):
    """LeNet-5 as a ``Sequential`` of the given engine.

    Parameters
    ----------
    nn : module, default=glassbox.nn
        ``glassbox.nn`` or ``torch.nn``: the engine to build with.
    num_classes : int, default=10
    in_channels : int, default=1
    activation : {"tanh", "relu"}, default="tanh"
        ``"tanh"`` as in 1998; ``"relu"`` for the modern variant.
    pooling : {"avg", "max"}, default="avg"
        Average pooling as in 1998 (the paper's sub-sampling), or max pooling.

    Returns
    -------
    Sequential
        ``features`` (indices 0-7) then ``classifier``; input ``(N, in_channels, 32, 32)``,
        output ``(N, num_classes)`` logits.

    Examples
    --------
    >>> import torch
    >>> model = lenet5(nn=torch.nn)
    >>> sum(p.numel() for p in model.parameters())
    61706
    >>> model(torch.zeros(2, 1, 32, 32)).shape
    torch.Size([2, 10])
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    activations = {"tanh": nn.Tanh, "relu": nn.ReLU}
    pools = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}
    if activation not in activations:
        raise ValueError(f"activation must be 'tanh' or 'relu', received {activation!r}")
    if pooling not in pools:
        raise ValueError(f"pooling must be 'avg' or 'max', received {pooling!r}")
    Act, Pool = activations[activation], pools[pooling]
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, kernel_size=5),   # (N, 6, 28, 28)
        Act(),
        Pool(kernel_size=2, stride=2),              # (N, 6, 14, 14)
        nn.Conv2d(6, 16, kernel_size=5),            # (N, 16, 10, 10)
        Act(),
        Pool(kernel_size=2, stride=2),              # (N, 16, 5, 5)
        nn.Conv2d(16, 120, kernel_size=5),          # (N, 120, 1, 1)
        Act(),
        nn.Flatten(),                               # (N, 120)
        nn.Linear(120, 84),
        Act(),
        nn.Linear(84, num_classes),
    )

