"""``Generator``: a random number generator of one's own, the twin of ``torch.Generator``.

``glassbox.Generator().manual_seed(42)`` is what torch programs pass as ``generator=`` to
``randn``, ``randperm``, ``bernoulli``, ``random_split`` or ``DataLoader`` so that one
stream of random numbers is reproducible whatever else draws from the global one.

It *is* a NumPy ``Generator`` (a subclass, on NumPy's default PCG64 bit generator), so
every glassbox function that accepts a NumPy generator accepts it too; it adds torch's
methods. The numbers differ from torch's (another algorithm); the reproducibility is
the same: the same seed gives the same stream.
"""

from __future__ import annotations

import numbers
import secrets

import numpy as np

from glassbox.autograd.device import check_device

__all__ = ["Generator"]

# torch's seed of a new Generator (default_rng_seed_val): a fresh one is deterministic
DEFAULT_SEED = 67280421310721


class Generator(np.random.Generator):
    """A random number generator with torch's methods (and all of NumPy's).

    Parameters
    ----------
    device : str or glassbox.device, default="cpu"
        Only the CPU (torch's argument, kept for the same code to run).

    Attributes
    ----------
    device : glassbox.device

    See Also
    --------
    torch.Generator, glassbox.manual_seed : the global generator's seed.

    Examples
    --------
    >>> import glassbox as gb
    >>> g = gb.Generator().manual_seed(42)
    >>> first = gb.randn(3, generator=g)
    >>> again = gb.randn(3, generator=gb.Generator().manual_seed(42))
    >>> bool((first == again).all()), g.initial_seed()
    (True, 42)
    """

    def __init__(self, device="cpu") -> None:
        check_device(device)
        super().__init__(np.random.PCG64(DEFAULT_SEED))
        self._initial_seed = DEFAULT_SEED

    @property
    def device(self):
        """The CPU: ``device(type='cpu')``."""
        from glassbox.autograd.device import CPU

        return CPU

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed`` (an int; negatives wrap as in torch); returns
        self, so that ``Generator().manual_seed(0)`` can be passed on directly."""
        if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got "
                               f"{type(seed).__name__}; pass an int such as 42")
        seed = int(seed) % 2**64
        self.bit_generator.state = np.random.PCG64(seed).state
        self._initial_seed = seed
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy (non-deterministic); returns the seed."""
        seed = secrets.randbits(63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._initial_seed

    def get_state(self) -> dict:
        """The state, to restore with :meth:`set_state` (NumPy's bit-generator dict; torch
        returns a ByteTensor)."""
        return self.bit_generator.state

    def set_state(self, state: dict) -> Generator:
        """Restore a state from :meth:`get_state`; returns self."""
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise TypeError(f"set_state expects a state returned by get_state(), received "
                            f"{type(state).__name__}")
        self.bit_generator.state = state
        return self

    def __repr__(self) -> str:
        return f"<glassbox.Generator object (seed {self._initial_seed})>"
