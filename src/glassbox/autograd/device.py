"""Devices: glassbox computes on the CPU, and says so when asked for anything else.

``glassbox.device("cpu")``, ``device="cpu"`` in every factory and ``x.to("cpu")`` work as
in torch, so that device-agnostic code runs unchanged; a GPU or another accelerator
(``"cuda"``, ``"mps"``, ...) raises a clear error that points to the torch engine.

Examples
--------
>>> import glassbox as gb
>>> gb.zeros(2, device="cpu").device
device(type='cpu')
>>> gb.device("cuda")
Traceback (most recent call last):
    ...
RuntimeError: glassbox computes on the CPU only; received device 'cuda'. ...
"""

from __future__ import annotations

__all__ = ["device", "check_device", "set_default_device", "get_default_device"]


class device:  # noqa: N801 (torch's name)
    """A place where Tensors live (the twin of ``torch.device``): only ``"cpu"`` here.

    Parameters
    ----------
    type : str or device
        ``"cpu"`` (``"cpu:0"`` too); anything else raises a RuntimeError.
    index : int, optional

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.device("cpu")
    device(type='cpu')
    >>> gb.device("cuda:0")
    Traceback (most recent call last):
        ...
    RuntimeError: glassbox computes on the CPU only; received device 'cuda:0'. ...
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        name = type.type if isinstance(type, device) else type
        if not isinstance(name, str):
            raise TypeError(f"device() expects a string such as 'cpu', received "
                            f"{name!r} ({name.__class__.__name__})")
        kind, _, number = name.partition(":")
        if kind != "cpu":
            raise RuntimeError(
                f"glassbox computes on the CPU only; received device {name!r}. Use "
                f"device='cpu' (or torch.cuda.is_available(), which is False here), or run "
                f"the same model with PyTorch for GPUs (--engine torch in the lab)."
            )
        self.type = "cpu"
        self.index = int(number) if number else index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other) if other.split(":")[0] == "cpu" else None
        return isinstance(other, device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"


CPU = device("cpu")


def check_device(value) -> None:
    """Accept None, ``"cpu"`` or a cpu :class:`device`; raise the CPU-only error otherwise."""
    if value is not None and not isinstance(value, device):
        device(value)


def set_default_device(value) -> None:
    """Set the device of new Tensors: only ``"cpu"`` (or None) is possible.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.set_default_device("cpu")
    >>> gb.set_default_device("mps")
    Traceback (most recent call last):
        ...
    RuntimeError: glassbox computes on the CPU only; received device 'mps'. ...
    """
    check_device(value)


def get_default_device() -> device:
    """The device of new Tensors: always the CPU.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.get_default_device()
    device(type='cpu')
    """
    return CPU
