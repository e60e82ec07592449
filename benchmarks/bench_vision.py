"""Benchmark: glassbox.vision convolution of a 512x512 photo vs scipy and torch.

Run: ``python benchmarks/bench_vision.py [--repeat 20] [--threads 1]``

Times ``correlate2d(photo, kernel, padding="same")`` with a 3x3 and a 7x7 kernel against
``scipy.ndimage.correlate`` (mode 'constant'), ``scipy.signal.correlate2d`` (mode
'same') and ``torch.nn.functional.conv2d`` (padding k // 2), in float32 and float64, in
the same process, and prints the median time of each and the ratio glassbox / other
(< 1 means glassbox is faster). Also times Canny against ``skimage.feature.canny``.
The goal is to stay within 2x of scipy. Timings on a shared machine are noisy; compare
the ratios, measured side by side, rather than absolute numbers.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import ndimage, signal
from sklearn.datasets import load_sample_image

from glassbox.vision import canny, correlate2d, rgb_to_gray


def photo_512() -> np.ndarray:
    """china.jpg in grayscale, resampled (nearest pixel) to 512x512."""
    gray = rgb_to_gray(load_sample_image("china.jpg"))           # (427, 640)
    rows = np.linspace(0, gray.shape[0] - 1, 512).round().astype(int)
    cols = np.linspace(0, gray.shape[1] - 1, 512).round().astype(int)
    return gray[np.ix_(rows, cols)]


def median_ms(function, repeat: int) -> float:
    function()                                                   # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's own choice)")
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None and args.threads:
        torch.set_num_threads(args.threads)

    photo = photo_512()
    rng = np.random.default_rng(0)
    print(f"photo 512x512; median of {args.repeat} runs; ratio = glassbox / other "
          f"(torch threads: {torch.get_num_threads() if torch else 'n/a'})")
    header = f"{'dtype':8} {'kernel':6} {'glassbox':>9} {'ndimage':>9} {'signal':>9} {'torch':>9}"
    print(header + f" {'vs ndimage':>11} {'vs signal':>10} {'vs torch':>9}")
    for dtype in (np.float32, np.float64):
        x = photo.astype(dtype)
        for k in (3, 7):
            w = rng.standard_normal((k, k)).astype(dtype)
            ours = correlate2d(x, w, padding="same")
            reference = ndimage.correlate(x, w, mode="constant")
            assert np.allclose(ours, reference, atol=1e-3), "results differ"
            t_ours = median_ms(lambda x=x, w=w: correlate2d(x, w, padding="same"), args.repeat)
            t_ndimage = median_ms(lambda x=x, w=w: ndimage.correlate(x, w, mode="constant"),
                                  args.repeat)
            t_signal = median_ms(lambda x=x, w=w: signal.correlate2d(x, w, mode="same"),
                                 max(3, args.repeat // 4))
            if torch is not None:
                x_t = torch.from_numpy(x)[None, None]            # (1, 1, 512, 512)
                w_t = torch.from_numpy(w)[None, None]            # (1, 1, k, k)
                with torch.no_grad():
                    t_torch = median_ms(lambda x_t=x_t, w_t=w_t, k=k: F.conv2d(
                        x_t, w_t, padding=k // 2), args.repeat)
            else:
                t_torch = float("nan")
            print(f"{np.dtype(dtype).name:8} {k}x{k}{'':3} {t_ours:9.2f} {t_ndimage:9.2f} "
                  f"{t_signal:9.2f} {t_torch:9.2f} {t_ours / t_ndimage:11.2f} "
                  f"{t_ours / t_signal:10.2f} {t_ours / t_torch:9.2f}")

    try:
        from skimage.feature import canny as skimage_canny
    except ImportError:
        return
    gray = rgb_to_gray(load_sample_image("china.jpg"))
    t_ours = median_ms(lambda: canny(gray, 2.0, 0.05, 0.15), max(3, args.repeat // 4))
    t_skimage = median_ms(lambda: skimage_canny(gray, 2.0, 0.05, 0.15), max(3, args.repeat // 4))
    print(f"canny on china.jpg (427x640): glassbox {t_ours:.1f} ms, skimage {t_skimage:.1f} ms, "
          f"ratio {t_ours / t_skimage:.2f}")


if __name__ == "__main__":
    main()
