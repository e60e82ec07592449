"""Convolutions from scratch: kernels on a photo, padding/stride/dilation, separable costs, Canny.

Course section 3.1 (and 3.1.1, types of convolutions). Everything is computed with
:mod:`glassbox.vision` in plain NumPy: a worked 3x3 convolution on the course's 4x4
matrix, every classic kernel on scikit-learn's sample photo, correlation versus true
(flipped-kernel) convolution, how padding, stride and dilation set the output size, what
spatially separable and depthwise-separable convolutions save (MobileNet's layers, with
its width multiplier), and Canny edges beside the photo, compared with scikit-image.
"""

from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from glassbox.lab.runner import LabContext
from glassbox.vision import (
    KERNELS,
    MOBILENET_V1_LAYERS,
    canny,
    conv2d,
    convolve2d,
    correlate2d,
    depthwise_separable_conv2d,
    depthwise_separable_cost,
    output_shape,
    rgb_to_gray,
    separable_correlate2d,
    separable_cost_ratio,
    separate_kernel,
    spatial_separable_cost,
    standard_conv_cost,
)
from glassbox.vision.edges import gaussian_smooth, non_maximum_suppression, sobel_gradients

NAME = "kernels"
TITLE = "Convolutions from scratch"
SECTION = "3.1 Convolutions from scratch"

# The course's worked example: a 4x4 input and the sharpen kernel.
COURSE_INPUT = np.array([[45, 12, 5, 17], [22, 10, 35, 6], [88, 26, 51, 19], [9, 77, 42, 3]])
COURSE_KERNEL = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])

# Canny settings for the photo (on the [0, 1] grayscale) and scikit-image's agreement bar.
CANNY_SIGMA, CANNY_LOW, CANNY_HIGH = 2.0, 0.05, 0.15


def _load_photo(quick: bool) -> np.ndarray:
    """scikit-learn's china.jpg as a [0, 1] grayscale image (halved in quick mode)."""
    from sklearn.datasets import load_sample_image

    gray = rgb_to_gray(load_sample_image("china.jpg"))      # (427, 640)
    if quick:
        H, W = gray.shape[0] // 2 * 2, gray.shape[1] // 2 * 2
        # 2x2 block means: (H/2, 2, W/2, 2) -> (H/2, W/2)
        gray = gray[:H, :W].reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))
    return gray


def _matrix_text(matrix) -> str:
    return "\n".join("  ".join(f"{v:>4g}" for v in row) for row in np.asarray(matrix))


def _worked_example(ctx: LabContext) -> None:
    r = ctx.report
    r.section("A valid 3x3 convolution, step by step")
    r.text("The course's example: a 4x4 input and the sharpen kernel. Without padding the "
           "3x3 kernel fits in 2x2 positions (output size 4 - 3 + 1 = 2). At each position "
           "we take the 3x3 window, multiply it element by element by the kernel and add "
           "up the nine products.")
    r.code(f"input (4x4):\n{_matrix_text(COURSE_INPUT)}\n\nkernel (sharpen):\n"
           f"{_matrix_text(COURSE_KERNEL)}")
    output = correlate2d(COURSE_INPUT, COURSE_KERNEL)
    steps = []
    for i in range(2):
        for j in range(2):
            window = COURSE_INPUT[i:i + 3, j:j + 3]
            products = window * COURSE_KERNEL
            terms = " + ".join(f"{a}*({b})" for a, b in zip(window.ravel(), COURSE_KERNEL.ravel()))
            steps.append(
                f"output[{i}, {j}]: window rows {i}-{i + 2}, columns {j}-{j + 2}\n"
                f"{_matrix_text(window)}\nproducts (window * kernel):\n{_matrix_text(products)}\n"
                f"sum = {terms}\n    = {products.sum()}   (glassbox: {output[i, j]:g})\n"
            )
    r.code("\n".join(steps))
    r.code(f"output (2x2):\n{_matrix_text(output)}")
    ctx.metrics["worked_example_output"] = output.astype(int).tolist()

    fig = Figure(figsize=(10, 2.8))
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        ax = fig.add_subplot(1, 4, k + 1)
        ax.imshow(COURSE_INPUT, cmap="Greys", alpha=0.25)
        for (a, b), value in np.ndenumerate(COURSE_INPUT):
            ax.text(b, a, str(value), ha="center", va="center", fontsize=9)
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 3, 3, fill=False, lw=2.5, color="tab:red"))
        ax.set_title(f"output[{i},{j}] = {output[i, j]:g}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    r.figure(fig, "worked_example", caption="The 3x3 window (red) at each of the four output "
             "positions of a valid convolution of the 4x4 input.")


def _catalogue(ctx: LabContext, photo: np.ndarray) -> None:
    r = ctx.report
    r.section("The kernel catalogue on a real photo")
    r.text("Each classic kernel correlated with the grayscale photo (padding 'same' with "
           "copies of the border, so the output keeps the photo's size and the border "
           "draws no false edge). Blurs and sharpen keep the brightness (weights sum to 1); "
           "edge detectors sum to 0, so flat regions go to 0 and only changes remain.")
    rows, outputs = [], {}
    for name, make_kernel in KERNELS.items():
        kernel = make_kernel()
        outputs[name] = correlate2d(photo, kernel, padding="same", padding_mode="replicate")
        rank = int(np.linalg.matrix_rank(kernel))
        rows.append({"kernel": name, "size": f"{kernel.shape[0]}x{kernel.shape[1]}",
                     "sum of weights": float(kernel.sum()), "rank": rank,
                     "separable": rank == 1,
                     "output mean": float(outputs[name].mean()),
                     "output std": float(outputs[name].std())})
    r.table(rows, caption="The catalogue (glassbox.vision.KERNELS); rank 1 = separable.")
    r.code("\n\n".join(f"{name}:\n{_matrix_text(np.round(make_kernel(), 4))}"
                       for name, make_kernel in KERNELS.items()))
    ctx.metrics["catalogue_kernels"] = len(KERNELS)
    ctx.metrics["separable_kernels"] = [row["kernel"] for row in rows if row["separable"]]

    columns = 4
    n_rows = -(-(len(outputs) + 1) // columns)
    fig = Figure(figsize=(3.2 * columns, 2.4 * n_rows))
    panels = [("photo (input)", photo)] + list(outputs.items())
    for k, (name, image) in enumerate(panels):
        ax = fig.add_subplot(n_rows, columns, k + 1)
        zero_centred = KERNELS.get(name) is not None and abs(KERNELS[name]().sum()) < 1e-12
        if zero_centred:      # edge maps: symmetric colour scale around 0
            limit = np.percentile(np.abs(image), 99)
            ax.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_title(name, fontsize=10)
        ax.axis("off")
    r.figure(fig, "catalogue", dpi=80, caption="Every kernel of the catalogue on china.jpg "
             "(edge maps in red/blue around 0).")


def _flip(ctx: LabContext, photo: np.ndarray) -> None:
    r = ctx.report
    r.section("Correlation (CNN 'convolution') versus true convolution")
    r.text("CNNs compute a cross-correlation: the kernel is laid on the image as it is. The "
           "mathematical convolution first turns the kernel by 180 degrees (flips rows and "
           "columns). For a symmetric kernel (blur, Laplacian) nothing changes; for Sobel x "
           "the flipped kernel is minus itself, so convolution = - correlation. A CNN learns "
           "its kernels, so it would simply learn the flipped one: the two are equivalent "
           "there, and the cheaper correlation is used.")
    sobel = KERNELS["sobel_x"]()
    correlation = correlate2d(photo, sobel, padding="same", padding_mode="replicate")
    convolution = convolve2d(photo, sobel, padding="same", padding_mode="replicate")
    flipped = correlate2d(photo, sobel[::-1, ::-1], padding="same", padding_mode="replicate")
    r.code(f"sobel_x:\n{_matrix_text(sobel)}\n\nflipped both ways:\n"
           f"{_matrix_text(sobel[::-1, ::-1])}")
    gap_flip = float(np.abs(convolution - flipped).max())
    gap_sign = float(np.abs(convolution + correlation).max())
    r.table([{"check": "convolve2d == correlate2d with the flipped kernel", "max |difference|":
              gap_flip},
             {"check": "for Sobel x: convolution == -correlation", "max |difference|": gap_sign}])
    ctx.metrics["flip_max_difference"] = max(gap_flip, gap_sign)
    fig = Figure(figsize=(10, 3))
    limit = np.percentile(np.abs(correlation), 99)
    for k, (title, image) in enumerate([("correlation with sobel_x", correlation),
                                        ("convolution with sobel_x", convolution)]):
        ax = fig.add_subplot(1, 2, k + 1)
        ax.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    r.figure(fig, "correlation_vs_convolution",
             caption="Same edges, opposite signs: red where the photo gets brighter to the "
                     "right under correlation.")


def _geometry(ctx: LabContext, photo: np.ndarray) -> None:
    r = ctx.report
    r.section("Padding, stride and dilation: the output size")
    r.html("<p>Along each axis, with input size n, kernel k, padding p on each side, stride s "
           "and dilation d: <code>out = floor((n + 2p - d(k - 1) - 1) / s) + 1</code>. "
           "Padding 'same' is p = d(k - 1) / 2 (odd k): the size is kept at stride 1 and "
           "divided by s otherwise. Dilation spreads the k taps over d(k - 1) + 1 pixels: a "
           "wider field of view for the same nine weights.</p>")
    H, W = photo.shape
    cases = [(3, 0, 1, 1), (3, "same", 1, 1), (3, 1, 2, 1), (3, "same", 4, 1), (3, 0, 1, 2),
             (3, "same", 1, 3), (5, 0, 1, 1), (5, 2, 2, 1), (7, 0, 3, 2)]
    rows, formula_agrees = [], True
    for k, padding, stride, dilation in cases:
        out = correlate2d(photo, KERNELS["box_blur"](k), padding, stride, dilation)
        formula_agrees &= out.shape == output_shape((H, W), k, stride, padding, dilation)
        rows.append({"kernel": f"{k}x{k}", "padding": str(padding), "stride": stride,
                     "dilation": dilation, "field of view": f"{dilation * (k - 1) + 1}px",
                     "input": f"{H}x{W}", "output": f"{out.shape[0]}x{out.shape[1]}"})
    r.table(rows, caption="Output size of a box blur on the photo (computed, and equal to "
                          "the formula).")
    ctx.metrics["output_size_formula_agrees"] = bool(formula_agrees)
    ctx.metrics["output_sizes"] = {f"k{k}_p{p}_s{s}_d{d}": row["output"]
                                   for (k, p, s, d), row in zip(cases, rows)}

    fig = Figure(figsize=(12, 3.2), layout="constrained")
    for index, dilation in enumerate((1, 2, 3)):
        ax = fig.add_subplot(1, 4, index + 1)
        ax.imshow(np.full((7, 7), 0.95), cmap="gray", vmin=0, vmax=1)   # a 7x7 input
        for i in range(3):
            for j in range(3):
                ax.add_patch(Rectangle((j * dilation - 0.5, i * dilation - 0.5), 1, 1,
                                       color="tab:red", alpha=0.7))
        span = dilation * 2 + 1
        ax.add_patch(Rectangle((-0.5, -0.5), span, span, fill=False, lw=2, ls="--"))
        ax.set_xticks(np.arange(-0.5, 7, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, 7, 1), minor=True)
        ax.grid(which="minor", color="#bbb")
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_title(f"3x3 kernel, dilation {dilation}: {span}x{span} field", fontsize=9)
    ax = fig.add_subplot(1, 4, 4)
    n = np.arange(8, 65)
    for k, padding, stride, dilation, style in [(3, 0, 1, 1, "-"), (3, 1, 1, 1, "--"),
                                                (3, 1, 2, 1, "-."), (3, 0, 1, 2, ":")]:
        sizes = [output_shape((m, m), k, stride, padding, dilation)[0] for m in n]
        ax.plot(n, sizes, style, label=f"p={padding}, s={stride}, d={dilation}")
    ax.set_xlabel("input size n")
    ax.set_ylabel("output size")
    ax.legend(fontsize=8)
    ax.set_title("3x3 kernel", fontsize=9)
    r.figure(fig, "padding_stride_dilation",
             caption="Left: taps (red) and field of view of a dilated 3x3 kernel. Right: "
                     "output size against input size for padding p, stride s, dilation d.")

    fig = Figure(figsize=(11, 3))
    for index, stride in enumerate((1, 2, 4)):
        out = correlate2d(photo, KERNELS["binomial_blur"](), "same", stride,
                          padding_mode="replicate")
        ax = fig.add_subplot(1, 3, index + 1)
        ax.imshow(out, cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"stride {stride}: {out.shape[0]}x{out.shape[1]}", fontsize=10)
    r.figure(fig, "stride", caption="Blur with stride 1, 2 and 4: the stride down-samples "
                                    "(axes in output pixels).")


def _time(function, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _spatially_separable(ctx: LabContext, photo: np.ndarray) -> None:
    r = ctx.report
    r.section("Spatially separable convolution")
    r.text("A rank-1 kernel is an outer product column x row, so it can be applied as a "
           "column pass then a row pass: kH + kW multiplications per output pixel instead "
           "of kH * kW. The SVD finds the split (and refuses kernels of rank > 1, such as "
           "the Laplacian).")
    sobel_column, sobel_row = separate_kernel(KERNELS["sobel_x"]())
    scale = sobel_column[0]
    # (+ 0.0 turns -0.0 into 0.0 for display)
    r.code(f"sobel_x = column x row with column = {np.round(sobel_column / scale, 6) + 0.0} "
           f"and row = {np.round(sobel_row * scale, 6) + 0.0}")
    H, W = photo.shape
    rows = []
    repeat = 2 if ctx.quick else 5
    for k in (3, 5, 7, 11):
        kernel = KERNELS["gaussian_blur"](k, sigma=k / 4)
        column, row = separate_kernel(kernel)
        full = correlate2d(photo, kernel, "same", padding_mode="replicate")
        two_pass = separable_correlate2d(photo, column, row, "same", padding_mode="replicate")
        cost = spatial_separable_cost(k, (H, W))
        rows.append({
            "kernel": f"Gaussian {k}x{k}", "mults/pixel full": cost["full_per_pixel"],
            "mults/pixel separable": cost["separable_per_pixel"],
            f"total full ({H}x{W})": cost["full_total"],
            "total separable": cost["separable_total"], "saving": cost["saving"],
            "max |difference|": float(np.abs(full - two_pass).max()),
            "time full (ms)": 1e3 * _time(lambda kernel=kernel: correlate2d(
                photo, kernel, "same", padding_mode="replicate"), repeat),
            "time separable (ms)": 1e3 * _time(lambda column=column, row=row:
                                               separable_correlate2d(
                                                   photo, column, row, "same",
                                                   padding_mode="replicate"), repeat),
        })
        ctx.metrics[f"separable_mults_per_pixel_{k}x{k}"] = [cost["full_per_pixel"],
                                                             cost["separable_per_pixel"]]
    ctx.metrics["separable_max_difference"] = max(row["max |difference|"] for row in rows)
    r.table(rows, caption="Full versus separable Gaussian blur on the photo: same output, "
                          "fewer multiplications (times: best of a few runs, noisy).")


def _depthwise_separable(ctx: LabContext) -> None:
    r = ctx.report
    r.section("Depthwise-separable convolution (MobileNet)")
    r.html("<p>A standard D<sub>K</sub>xD<sub>K</sub> layer from M to N channels on a "
           "D<sub>F</sub>xD<sub>F</sub> map costs D<sub>K</sub>²·M·N·D<sub>F</sub>² "
           "multiply-adds; MobileNet's depthwise (one D<sub>K</sub>xD<sub>K</sub> filter per "
           "channel) plus pointwise (1x1, mixing channels) layer costs "
           "D<sub>K</sub>²·M·D<sub>F</sub>² + M·N·D<sub>F</sub>², a ratio of "
           "1/N + 1/D<sub>K</sub>² (Howard et al. 2017). The width multiplier α thins every "
           "layer (M → αM, N → αN, cost about α²), the resolution multiplier ρ shrinks the "
           "maps (D<sub>F</sub> → ρD<sub>F</sub>, cost ρ²).</p>")
    rows = []
    for alpha in (1.0, 0.75, 0.5):
        for name, D_K, M, N, D_F in MOBILENET_V1_LAYERS:
            standard = standard_conv_cost(D_K, M, N, D_F, alpha=alpha)
            separable = depthwise_separable_cost(D_K, M, N, D_F, alpha=alpha)
            rows.append({
                "α": alpha, "layer": name,
                "M→N @ D_F": f"{int(round(alpha * M))}→{int(round(alpha * N))} @ {D_F}",
                "params standard": standard["params"], "params separable": separable["params"],
                "mult-adds standard": standard["mult_adds"],
                "mult-adds separable": separable["mult_adds"],
                "ratio": separable["mult_adds"] / standard["mult_adds"],
                "1/N + 1/D_K²": separable_cost_ratio(D_K, int(round(alpha * N))),
            })
    r.table(rows, caption="Stride-1 layers of MobileNet-224 (Table 1 of Howard et al.) at "
                          "width multipliers 1, 0.75 and 0.5.")
    name, D_K, M, N, D_F = MOBILENET_V1_LAYERS[3]
    ctx.metrics["mobilenet_layer"] = name
    ctx.metrics["mobilenet_mult_adds"] = {
        str(alpha): {"standard": standard_conv_cost(D_K, M, N, D_F, alpha=alpha)["mult_adds"],
                     "separable": depthwise_separable_cost(D_K, M, N, D_F,
                                                           alpha=alpha)["mult_adds"]}
        for alpha in (1.0, 0.75, 0.5)}
    ctx.metrics["mobilenet_ratio_alpha_1"] = rows[3]["ratio"]
    # MobileNet's resolutions 224, 192, 160, 128: rho = size / 224
    rho_rows = [{"ρ": size / 224, "input": f"{size}x{size}", "D_F": round(D_F * size / 224),
                 "mult-adds separable": depthwise_separable_cost(D_K, M, N, D_F,
                                                                 rho=size / 224)["mult_adds"]}
                for size in (224, 192, 160, 128)]
    r.table(rho_rows, caption=f"Resolution multiplier on {name} (D_F = 14ρ).")

    # A depthwise-separable layer is a standard layer whose weight is constrained:
    # W[o, c, p, q] = pointwise[o, c] * depthwise[c, p, q] (rank 1 per channel pair).
    rng = ctx.rng
    x = rng.standard_normal((8, 12, 12))
    depthwise = rng.standard_normal((8, 1, 3, 3))
    pointwise = rng.standard_normal((16, 8, 1, 1))
    two_steps = depthwise_separable_conv2d(x, depthwise, pointwise, padding=1)
    combined = pointwise[:, :, 0, 0, None, None] * depthwise[None, :, 0]   # (16, 8, 3, 3)
    one_step = conv2d(x, combined, padding=1)
    gap = float(np.abs(two_steps - one_step).max())
    ctx.metrics["depthwise_separable_vs_combined_max_difference"] = gap
    r.text(f"Check: depthwise then pointwise equals one standard convolution with the weight "
           f"W[o, c, p, q] = pointwise[o, c] · depthwise[c, p, q] (max |difference| = "
           f"{gap:.2e} on a random 8-channel input): the separable layer is a standard layer "
           f"with far fewer free weights ({8 * 9 + 16 * 8} instead of {16 * 8 * 9}).")


def _canny(ctx: LabContext) -> None:
    r = ctx.report
    r.section("Canny edge detection")
    r.text(f"Gaussian smoothing (sigma = {CANNY_SIGMA}), Sobel gradients, non-maximum "
           f"suppression (interpolated along the gradient), double threshold (low = "
           f"{CANNY_LOW}, high = {CANNY_HIGH} on the gradient magnitude of the [0, 1] "
           "image) and hysteresis (weak pixels kept only when 8-connected to a strong one), "
           "all in NumPy. The photo is used at full size for the comparison with "
           "scikit-image.")
    photo = _load_photo(quick=False)
    smoothed = gaussian_smooth(photo, CANNY_SIGMA)
    g_y, g_x, magnitude = sobel_gradients(smoothed)
    thin = non_maximum_suppression(g_y, g_x, magnitude, CANNY_LOW)
    edges = canny(photo, CANNY_SIGMA, CANNY_LOW, CANNY_HIGH)
    ctx.metrics["canny_edge_pixels"] = int(edges.sum())
    ctx.metrics["canny_edge_fraction"] = float(edges.mean())

    try:
        from skimage.feature import canny as skimage_canny
    except ImportError:
        skimage_edges = None
        r.text("scikit-image is not installed: the agreement check is skipped.")
    else:
        skimage_edges = skimage_canny(photo, CANNY_SIGMA, CANNY_LOW, CANNY_HIGH)
        both = int(np.count_nonzero(edges & skimage_edges))
        ours_in_theirs = both / max(1, int(edges.sum()))
        theirs_in_ours = both / max(1, int(skimage_edges.sum()))
        ctx.metrics["canny_agreement_ours_in_skimage"] = ours_in_theirs
        ctx.metrics["canny_agreement_skimage_in_ours"] = theirs_in_ours
        ctx.metrics["canny_agreement"] = min(ours_in_theirs, theirs_in_ours)
        ctx.metrics["canny_pixels_differing"] = int(np.count_nonzero(edges != skimage_edges))
        r.table([{"edge pixels (glassbox)": int(edges.sum()),
                  "edge pixels (skimage)": int(skimage_edges.sum()),
                  "ours also in skimage": ours_in_theirs,
                  "skimage's also in ours": theirs_in_ours,
                  "pixels that differ": ctx.metrics["canny_pixels_differing"]}],
                caption="Agreement with skimage.feature.canny(image, sigma, low_threshold, "
                        "high_threshold) on the same grayscale photo.")

    fig = Figure(figsize=(12, 6.5))
    panels = [("input (grayscale)", photo, "gray"), ("1. Gaussian smoothing", smoothed, "gray"),
              ("2. Sobel gradient magnitude", magnitude, "magma"),
              ("3. non-maximum suppression", thin > 0, "gray"),
              ("4-5. thresholds + hysteresis", edges, "gray")]
    if skimage_edges is not None:
        panels.append(("skimage.feature.canny", skimage_edges, "gray"))
    for k, (title, image, cmap) in enumerate(panels):
        ax = fig.add_subplot(2, 3, k + 1)
        ax.imshow(image, cmap=cmap)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    r.figure(fig, "canny", caption="Canny's steps on china.jpg, and scikit-image's result.")


def run(ctx: LabContext) -> None:
    photo = _load_photo(ctx.quick)
    ctx.metrics["photo_shape"] = list(photo.shape)
    steps = [("worked example", lambda: _worked_example(ctx)),
             ("kernel catalogue", lambda: _catalogue(ctx, photo)),
             ("correlation vs convolution", lambda: _flip(ctx, photo)),
             ("padding, stride, dilation", lambda: _geometry(ctx, photo)),
             ("spatially separable", lambda: _spatially_separable(ctx, photo)),
             ("depthwise separable", lambda: _depthwise_separable(ctx)),
             ("canny", lambda: _canny(ctx))]
    for _, step in ctx.progress(steps, desc="kernels lab"):
        step()
