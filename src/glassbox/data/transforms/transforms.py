"""Augmentation transforms for batches of NCHW images (the twins of torchvision's).

Each transform is a callable ``t(x)`` on a float array of shape (N, C, H, W). The random
ones draw **one set of parameters per image** (torchvision, applied to a batched tensor,
draws one set for the whole batch) from their ``generator``, or from glassbox's global
generator (``glassbox._random.manual_seed`` makes them reproducible); then a single
vectorised call of :mod:`glassbox.data.transforms.functional` transforms the whole batch.
``sample_params(batch_size)`` exposes the draw, so that a test (or a figure) can replay
it.

Apply colour jitter before :class:`Normalize`: it assumes values in [0, 1].
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassbox import _random
from glassbox.data.transforms import functional as F

__all__ = ["Compose", "Normalize", "RandomHorizontalFlip", "RandomVerticalFlip",
           "RandomRotation", "RandomAffine", "RandomCrop", "ColorJitter"]


def _range(value: Any, name: str, center: float = 0.0, lower_bound: float = -np.inf
           ) -> tuple[float, float]:
    """torchvision's convention: a number v means [center - v, center + v], a pair is
    (min, max)."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"{name}: if a single number, it must be non-negative; received "
                             f"{value!r}.")
        low, high = center - float(value), center + float(value)
        return max(low, lower_bound), high
    values = tuple(float(v) for v in value)
    if len(values) != 2 or values[0] > values[1] or values[0] < lower_bound:
        raise ValueError(f"{name}: expected a non-negative number or a pair (min, max) with "
                         f"min <= max, received {value!r}.")
    return values  # type: ignore[return-value]


class _RandomTransform:
    """Holds the generator: its own, or the global one read at each call."""

    def __init__(self, generator: np.random.Generator | None) -> None:
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"generator: expected a numpy.random.Generator, received "
                            f"{type(generator).__name__}.")
        self.generator = generator

    def _rng(self) -> np.random.Generator:
        return _random.default_generator() if self.generator is None else self.generator

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = F.check_batch(x, type(self).__name__)
        return self.apply(x, **self.sample_params(x.shape[0], x.shape))

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        raise NotImplementedError

    def apply(self, x: np.ndarray, **params: Any) -> np.ndarray:
        raise NotImplementedError


class Compose:
    """Apply transforms one after the other.

    See Also
    --------
    torchvision.transforms.Compose

    Examples
    --------
    >>> augment = Compose([RandomHorizontalFlip(p=1.0), Normalize([0.5], [0.5])])
    >>> augment(np.array([[[[0.0, 1.0]]]]))
    array([[[[ 1., -1.]]]])
    """

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for transform in self.transforms:
            x = transform(x)
        return x

    def __repr__(self) -> str:
        inner = "".join(f"\n    {transform!r}" for transform in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


class Normalize:
    """Per-channel standardisation ``(x - mean[c]) / std[c]``.

    Parameters
    ----------
    mean, std : sequence of C floats
    inplace : bool, default=False
        Write the result into ``x``.

    See Also
    --------
    torchvision.transforms.Normalize

    Examples
    --------
    >>> Normalize(mean=[0.1307], std=[0.3081])(np.full((1, 1, 1, 1), 0.1307)).item()
    0.0
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, x: np.ndarray) -> np.ndarray:
        result = F.normalize(x, self.mean, self.std)
        if self.inplace:
            x[...] = result
            return x
        return result

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class RandomHorizontalFlip(_RandomTransform):
    """Mirror each image left-right with probability ``p``.

    See Also
    --------
    torchvision.transforms.RandomHorizontalFlip

    Examples
    --------
    >>> flip = RandomHorizontalFlip(p=0.5, generator=np.random.default_rng(0))
    >>> flip.sample_params(4)["flip"]
    array([False,  True,  True,  True])
    """

    def __init__(self, p: float = 0.5, generator: np.random.Generator | None = None) -> None:
        super().__init__(generator)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p: expected a probability in [0, 1], received {p!r}.")
        self.p = p

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        return {"flip": self._rng().random(batch_size) < self.p}

    def apply(self, x: np.ndarray, flip: np.ndarray) -> np.ndarray:
        out = x.copy()
        out[flip] = x[flip][..., ::-1]
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror each image top-bottom with probability ``p``.

    See Also
    --------
    torchvision.transforms.RandomVerticalFlip

    Examples
    --------
    >>> RandomVerticalFlip(p=1.0)(np.arange(2.0).reshape(1, 1, 2, 1)).ravel()
    array([1., 0.])
    """

    def apply(self, x: np.ndarray, flip: np.ndarray) -> np.ndarray:
        out = x.copy()
        out[flip] = x[flip][..., ::-1, :]
        return out


class RandomAffine(_RandomTransform):
    """Random rotation, translation and scaling, drawn independently for each image.

    Image n is rotated by ``angle ~ U(degrees)``, scaled by ``s ~ U(scale)`` about its
    centre, then shifted by ``(dx, dy)`` pixels, ``dx ~ U(-a W, a W)`` and
    ``dy ~ U(-b H, b H)`` rounded to whole pixels (``translate=(a, b)``), as torchvision.

    Parameters
    ----------
    degrees : float or (min, max)
        A number d means (-d, d). Counter-clockwise.
    translate : (a, b), optional
        Maximal shift as fractions of the width and height.
    scale : (min, max), optional
    shear : None
        Not supported (kept in the signature for torchvision's order).
    interpolation : {"nearest", "bilinear"}, default="nearest"
    fill : float or sequence of C floats, default=0
    center : (x, y), optional
    generator : numpy.random.Generator, optional

    See Also
    --------
    torchvision.transforms.RandomAffine, glassbox.data.transforms.functional.affine

    Examples
    --------
    >>> shift = RandomAffine(0, translate=(0.5, 0.0), generator=np.random.default_rng(1))
    >>> shift.sample_params(3, (3, 1, 4, 4))["translate"]
    array([[2., 0.],
           [0., 0.],
           [0., 0.]])
    """

    def __init__(self, degrees: float | Sequence[float], translate: Sequence[float] | None = None,
                 scale: Sequence[float] | None = None, shear: None = None,
                 interpolation: str = "nearest", fill: Any = 0.0,
                 center: tuple[float, float] | None = None,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(generator)
        self.degrees = _range(degrees, "degrees")
        if translate is not None:
            translate = tuple(float(t) for t in translate)
            if len(translate) != 2 or not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError(f"translate: expected a pair of fractions in [0, 1], "
                                 f"received {translate!r}.")
        if scale is not None:
            scale = tuple(float(s) for s in scale)
            if len(scale) != 2 or scale[0] <= 0 or scale[0] > scale[1]:
                raise ValueError(f"scale: expected a pair (min, max) with 0 < min <= max, "
                                 f"received {scale!r}.")
        if shear is not None:
            raise ValueError(f"shear: not supported by glassbox's RandomAffine, received "
                             f"{shear!r}; use shear=None.")
        F._check_interpolation(interpolation)
        self.translate = translate
        self.scale = scale
        self.shear = shear
        self.interpolation = interpolation
        self.fill = fill
        self.center = center

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        rng = self._rng()
        angle = rng.uniform(*self.degrees, size=batch_size)
        translate = np.zeros((batch_size, 2))
        if self.translate is not None:
            if shape is None:
                raise ValueError("sample_params needs the batch shape to draw translations.")
            height, width = shape[-2:]
            max_shift = np.array([self.translate[0] * width, self.translate[1] * height])
            # Whole pixels, as torchvision; "+ 0.0" turns -0.0 into 0.0.
            translate = np.round(rng.uniform(-max_shift, max_shift, size=(batch_size, 2))) + 0.0
        scale = (np.ones(batch_size) if self.scale is None
                 else rng.uniform(*self.scale, size=batch_size))
        return {"angle": angle, "translate": translate, "scale": scale}

    def apply(self, x: np.ndarray, angle: np.ndarray, translate: np.ndarray,
              scale: np.ndarray) -> np.ndarray:
        return F.affine(x, angle, translate, scale, self.interpolation, self.fill, self.center)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(degrees={self.degrees}, translate={self.translate}, "
                f"scale={self.scale}, interpolation={self.interpolation!r})")


class RandomRotation(RandomAffine):
    """Rotate each image by its own angle drawn from ``U(degrees)``, counter-clockwise.

    Parameters
    ----------
    degrees : float or (min, max)
        A number d means (-d, d).
    interpolation : {"nearest", "bilinear"}, default="nearest"
    expand : False
        Only False (the output keeps the input's size).
    center : (x, y), optional
    fill : float or sequence of C floats, default=0
    generator : numpy.random.Generator, optional

    See Also
    --------
    torchvision.transforms.RandomRotation, glassbox.data.transforms.functional.rotate

    Examples
    --------
    >>> rotation = RandomRotation(15, generator=np.random.default_rng(0))
    >>> rotation(np.zeros((5, 1, 28, 28), np.float32)).shape
    (5, 1, 28, 28)
    """

    def __init__(self, degrees: float | Sequence[float], interpolation: str = "nearest",
                 expand: bool = False, center: tuple[float, float] | None = None,
                 fill: Any = 0.0, generator: np.random.Generator | None = None) -> None:
        if expand:
            raise ValueError("expand=True is not supported: every image of a batch must keep "
                             "the same size. Pad the batch first if corners must be kept.")
        super().__init__(degrees, interpolation=interpolation, fill=fill, center=center,
                         generator=generator)
        self.expand = expand

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        angle = self._rng().uniform(*self.degrees, size=batch_size)
        return {"angle": angle, "translate": np.zeros((batch_size, 2)),
                "scale": np.ones(batch_size)}

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(degrees={self.degrees}, "
                f"interpolation={self.interpolation!r})")


class RandomCrop(_RandomTransform):
    """Pad the batch, then cut a ``size`` window at a random place in each image.

    Parameters
    ----------
    size : int or (height, width)
    padding : int or sequence of 2 or 4 ints, optional
        Added to every side first (the classic "pad 4, crop 32" augmentation).
    pad_if_needed : bool, default=False
        Pad images smaller than ``size`` up to it.
    fill : float, default=0
    padding_mode : {"constant", "edge", "reflect", "symmetric"}, default="constant"
    generator : numpy.random.Generator, optional

    See Also
    --------
    torchvision.transforms.RandomCrop, glassbox.data.transforms.functional.crop

    Examples
    --------
    >>> crop = RandomCrop(28, padding=2, generator=np.random.default_rng(0))
    >>> crop(np.ones((3, 1, 28, 28))).shape
    (3, 1, 28, 28)
    """

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] | None = None,
                 pad_if_needed: bool = False, fill: float = 0.0,
                 padding_mode: str = "constant",
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(generator)
        size = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
        if len(size) != 2 or any(int(s) != s or s <= 0 for s in size):
            raise ValueError(f"size: expected a positive int or (height, width), received "
                             f"{size!r}.")
        self.size = (int(size[0]), int(size[1]))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def _pad(self, x: np.ndarray) -> np.ndarray:
        if self.padding is not None:
            x = F.pad(x, self.padding, self.fill, self.padding_mode)
        height, width = self.size
        if self.pad_if_needed and (x.shape[2] < height or x.shape[3] < width):
            extra_h, extra_w = max(height - x.shape[2], 0), max(width - x.shape[3], 0)
            x = F.pad(x, (extra_w, extra_h), self.fill, self.padding_mode)
        return x

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        """Top-left corners in the *padded* images: ``top ~ U{0..H_pad - height}``."""
        if shape is None:
            raise ValueError("sample_params needs the batch shape (after padding).")
        height, width = self.size
        padded_h, padded_w = shape[-2:]
        if padded_h < height or padded_w < width:
            raise ValueError(f"Required crop size {self.size} is larger than the (padded) "
                             f"image size {(padded_h, padded_w)}; use pad_if_needed=True or "
                             "a larger padding.")
        rng = self._rng()
        return {"top": rng.integers(0, padded_h - height + 1, size=batch_size),
                "left": rng.integers(0, padded_w - width + 1, size=batch_size)}

    def __call__(self, x: np.ndarray) -> np.ndarray:
        padded = self._pad(F.check_batch(x, type(self).__name__))
        return self.apply(padded, **self.sample_params(padded.shape[0], padded.shape))

    def apply(self, padded: np.ndarray, top: np.ndarray, left: np.ndarray) -> np.ndarray:
        return F.crop(padded, top, left, *self.size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class ColorJitter(_RandomTransform):
    """Random brightness, contrast and saturation, one factor of each per image.

    A number ``b`` for ``brightness`` draws the factor from ``U(max(0, 1 - b), 1 + b)``
    (likewise contrast, saturation); a pair gives (min, max). The adjustments are applied
    in the fixed order brightness, contrast, saturation (torchvision shuffles the order
    at each call). Expects values in [0, 1].

    Parameters
    ----------
    brightness, contrast, saturation : float or (min, max), default=0
    hue : 0
        Not supported.
    generator : numpy.random.Generator, optional

    See Also
    --------
    torchvision.transforms.ColorJitter, glassbox.data.transforms.functional.adjust_brightness

    Examples
    --------
    >>> jitter = ColorJitter(brightness=0.5, generator=np.random.default_rng(0))
    >>> jitter.sample_params(3)["brightness"]
    array([1.13696169, 0.76978671, 0.54097352])
    """

    def __init__(self, brightness: float | Sequence[float] = 0,
                 contrast: float | Sequence[float] = 0,
                 saturation: float | Sequence[float] = 0, hue: float = 0,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(generator)
        self.brightness = _range(brightness, "brightness", center=1.0, lower_bound=0.0)
        self.contrast = _range(contrast, "contrast", center=1.0, lower_bound=0.0)
        self.saturation = _range(saturation, "saturation", center=1.0, lower_bound=0.0)
        if hue != 0:
            raise ValueError(f"hue: not supported by glassbox's ColorJitter, received {hue!r}; "
                             "use hue=0.")
        self.hue = hue

    def sample_params(self, batch_size: int, shape: tuple[int, ...] | None = None) -> dict:
        rng = self._rng()
        return {name: rng.uniform(*bounds, size=batch_size)
                for name, bounds in (("brightness", self.brightness),
                                     ("contrast", self.contrast),
                                     ("saturation", self.saturation))}

    def apply(self, x: np.ndarray, brightness: np.ndarray, contrast: np.ndarray,
              saturation: np.ndarray) -> np.ndarray:
        if self.brightness != (1.0, 1.0):
            x = F.adjust_brightness(x, brightness)
        if self.contrast != (1.0, 1.0):
            x = F.adjust_contrast(x, contrast)
        if self.saturation != (1.0, 1.0):
            x = F.adjust_saturation(x, saturation)
        return x

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast="
                f"{self.contrast}, saturation={self.saturation})")
