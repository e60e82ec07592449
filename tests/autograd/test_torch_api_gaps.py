"""torch API that course programs use and glassbox lacked: prod, cumprod, diag, diagonal,
diag_embed, meshgrid, logspace, bernoulli, kron — each checked against torch.

Forward values and every gradient through ``tests/parity.py`` (float64 and float32);
products with zeros (one zero, several) and second-order gradients
(``create_graph=True``) compared with torch directly; errors of torch's type.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import glassbox as gb
from glassbox.autograd.ops import products
from parity import assert_close, helper_test_op

ZERO_PATTERNS = {
    "no zero": [1.5, -2.0, 0.5, 3.0, -1.25],
    "one zero": [1.5, -2.0, 0.0, 3.0, -1.25],
    "two zeros": [0.0, -2.0, 0.0, 3.0, -1.25],
    "all zeros": [0.0, 0.0, 0.0, 0.0, 0.0],
}


def _first_and_second_order(lib, values, function):
    """Output, gradient (create_graph) and the gradient of a function of that gradient."""
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    weights = lib.tensor(np.linspace(-1.0, 2.0, x.numel()).reshape(x.shape), dtype=lib.float64)
    y = function(x)
    upstream = lib.tensor(np.linspace(0.5, 1.5, y.numel()).reshape(y.shape), dtype=lib.float64)
    grad = lib.autograd.grad((y * upstream).sum(), [x], create_graph=True)[0]
    second = lib.autograd.grad((grad * weights).sum() + (grad * grad).sum(), [x])[0]
    return y, grad, second


@pytest.mark.parametrize("pattern", sorted(ZERO_PATTERNS))
@pytest.mark.parametrize("case", ["prod", "prod dim", "cumprod"])
def test_products_with_zeros_first_and_second_order(pattern, case):
    values = ZERO_PATTERNS[pattern]
    functions = {
        "prod": lambda x: x.prod(),
        # the zeros land in different rows: one row without, one with
        "prod dim": lambda x: x.reshape(1, 5).expand(2, 5).prod(1) * x[:2].sum(),
        "cumprod": lambda x: x.cumprod(0),
    }
    mine = _first_and_second_order(gb, values, functions[case])
    theirs = _first_and_second_order(torch, values, functions[case])
    for what, a, b in zip(("output", "gradient", "second-order gradient"), mine, theirs):
        assert_close(a, b, 1e-10, 1e-12, f"{case}, {pattern}: {what}")


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_prod_along_a_dim_with_zeros_in_some_rows(dim, keepdim):
    values = np.array([[1.5, 0.0, 2.0, -1.0], [0.5, -1.5, 2.0, 1.25], [0.0, 3.0, 0.0, 1.0]])
    helper_test_op(None, lambda x: torch.prod(x, dim, keepdim), lambda x: gb.prod(x, dim, keepdim),
                   values=[values])
    helper_test_op(None, lambda x: x.cumprod(dim), values=[values])
    helper_test_op([(3, 4)], lambda x: x.prod(dim, keepdim=keepdim))


def test_prod_and_cumprod_dtypes_and_shapes():
    for lib in (gb, torch):
        integers = lib.tensor([[1, 2], [3, 4]])
        assert integers.prod().item() == 24 and str(integers.prod().dtype).endswith("int64")
        assert integers.cumprod(1).tolist() == [[1, 2], [3, 12]]
        assert lib.tensor([True, False]).prod().item() == 0
    helper_test_op([(3, 4)], lambda x: x.prod(dtype=torch.float64),
                   lambda x: x.prod(dtype=gb.float64), dtypes=("float32",))
    helper_test_op([()], lambda x: x.prod(0) * x.cumprod(0))
    helper_test_op([(2, 0, 3)], lambda x: x.prod(1) + x.prod(), low=1.0)  # empty: 1, gradient 0
    helper_test_op([(2, 0)], lambda x: x.cumprod(1))


def test_prod_refuses_a_tuple_of_dims_like_torch():
    with pytest.raises(TypeError):
        torch.prod(torch.ones(2, 3), dim=(0, 1))
    with pytest.raises(TypeError, match="must be an int"):
        gb.prod(gb.ones(2, 3), dim=(0, 1))


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_cumprod_teaching_path_equals_the_fast_path(shape, data):
    # without zeros, the O(n^2) formula of the products of the others and the O(n) one
    # (reversed cumsum divided by x) are the same gradient
    dim = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(len(shape) * 10 + dim)
    x = gb.tensor(rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape))
    assume(not (x.numpy() == 0).any())
    g = gb.tensor(rng.standard_normal(shape))
    y = x.cumprod(dim)
    fast = products.cumprod_backward_without_zeros(x, y, g, dim)
    teaching = products.cumprod_backward(x, g, dim)
    np.testing.assert_allclose(fast.numpy(), teaching.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_prod_over_any_dim_with_random_zeros_matches_torch(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    rng = np.random.default_rng(sum(shape) + dim)
    values = rng.uniform(-2, 2, shape) * (rng.uniform(size=shape) > 0.3)  # some zeros
    helper_test_op(None, lambda x: x.prod(dim), values=[values])
    helper_test_op(None, lambda x: torch.cumprod(x, dim), lambda x: gb.cumprod(x, dim),
                   values=[values])


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 3])
def test_diag_both_ways_and_diagonal_and_diag_embed(offset):
    helper_test_op([(4,)], lambda x: torch.diag(x, offset), lambda x: gb.diag(x, offset))
    helper_test_op([(3, 5)], lambda x: x.diag(offset))
    helper_test_op([(2, 3, 4)], lambda x: torch.diagonal(x, offset, 2, 0),
                   lambda x: gb.diagonal(x, offset, 2, 0))
    helper_test_op([(3, 4, 2)], lambda x: x.diagonal(offset, dim1=-2, dim2=0))
    helper_test_op([(2, 3)], lambda x: torch.diag_embed(x, offset, 0, 2),
                   lambda x: gb.diag_embed(x, offset, 0, 2))
    helper_test_op([(2, 3)], lambda x: x.diag_embed(offset, 2, 0))
    helper_test_op([(2, 3)], lambda x: x.diag_embed(offset))


def test_diagonal_second_order_gradient_is_a_diagonal_again():
    def function(x):
        return (x.diag() ** 3).diag_embed()  # read, cube, write back

    mine = _first_and_second_order(gb, np.arange(9.0).reshape(3, 3) / 4, function)
    theirs = _first_and_second_order(torch, np.arange(9.0).reshape(3, 3) / 4, function)
    for a, b in zip(mine, theirs):
        assert_close(a, b, 1e-12, 1e-12, "diag second order")


def test_diag_errors_like_torch():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="Supports 1D or 2D tensors. Got 3D"):
            lib.diag(lib.ones(2, 2, 2))
        with pytest.raises(RuntimeError, match="cannot be identical"):
            lib.diagonal(lib.ones(2, 2), 0, 1, 1)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_values_shapes_and_gradients(indexing):
    helper_test_op([(3,), (4,), (2,)],
                   lambda a, b, c: torch.meshgrid(a, b, c, indexing=indexing),
                   lambda a, b, c: gb.meshgrid(a, b, c, indexing=indexing))
    helper_test_op([(3,), (4,)], lambda a, b: torch.meshgrid([a, b], indexing=indexing),
                   lambda a, b: gb.meshgrid([a, b], indexing=indexing))
    helper_test_op([(), (4,)], lambda a, b: torch.meshgrid(a, b, indexing=indexing),
                   lambda a, b: gb.meshgrid(a, b, indexing=indexing))


def test_meshgrid_warns_without_indexing_and_uses_ij():
    with pytest.warns(UserWarning, match="indexing"):
        grids = gb.meshgrid(gb.arange(3), gb.arange(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.meshgrid(torch.arange(3), torch.arange(2))
    for mine, theirs in zip(grids, expected):
        assert_close(mine, theirs, 0, 0, "meshgrid default indexing")


def test_meshgrid_errors_like_torch():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match='indexing must be one of "xy" or "ij"'):
            lib.meshgrid(lib.ones(2), lib.ones(3), indexing="foo")
        with pytest.raises(RuntimeError, match="Expected 0D or 1D tensor"):
            lib.meshgrid(lib.ones(2, 2), lib.ones(3), indexing="ij")


@pytest.mark.parametrize("start, end, steps, base", [(0, 2, 3, 10.0), (-1, 3, 9, 2.0),
                                                     (1.5, -0.5, 5, 10.0), (0, 1, 1, 3.0),
                                                     (0, 4, 0, 10.0)])
def test_logspace(start, end, steps, base):
    assert_close(gb.logspace(start, end, steps, base), torch.logspace(start, end, steps, base),
                 1e-6, 0, "logspace float32")
    assert_close(gb.logspace(start, end, steps, base=base, dtype=gb.float64),
                 torch.logspace(start, end, steps, base=base, dtype=torch.float64),
                 1e-14, 0, "logspace float64")


@pytest.mark.parametrize("shapes", [[(2, 3), (3, 2)], [(2, 3), (4,)], [(2,), (2, 3, 1)],
                                    [(1, 2, 2), (3, 1, 2)]])
def test_kron(shapes):
    helper_test_op(shapes, torch.kron, gb.kron)


def test_bernoulli_is_seeded_by_manual_seed_and_has_the_right_frequencies():
    probabilities = gb.tensor(np.tile([0.0, 1.0, 0.25, 0.8], 5000), dtype=gb.float32)
    gb.manual_seed(3)
    first = gb.bernoulli(probabilities)
    gb.manual_seed(3)
    again = probabilities.bernoulli()
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    frequencies = first.numpy().reshape(-1, 4).mean(0)
    # 5000 draws each: 4 standard errors of sqrt(p(1-p)/n) <= 0.025
    np.testing.assert_allclose(frequencies, [0.0, 1.0, 0.25, 0.8], atol=0.025)
    assert first.dtype == np.float32 and set(np.unique(first.numpy())) <= {0.0, 1.0}
    gb.manual_seed(3)
    with_p = gb.bernoulli(gb.zeros(20000, dtype=gb.float64), 0.3)
    assert with_p.dtype == np.float64 and abs(with_p.numpy().mean() - 0.3) < 0.013
    generator = np.random.default_rng(5)
    own = gb.bernoulli(probabilities, generator=generator)
    np.testing.assert_array_equal(
        own.numpy(), np.random.default_rng(5).random(probabilities.shape) < probabilities.numpy())


def test_bernoulli_in_place_keeps_identity_dtype_and_draws():
    gb.manual_seed(0)
    mask = gb.zeros(4000, dtype=gb.int64)
    assert mask.bernoulli_(0.5) is mask and mask.dtype == np.int64
    assert 0.45 < mask.numpy().mean() < 0.55
    weights = gb.tensor(np.tile([0.0, 1.0, 0.5, 0.5], 1000))
    out = gb.zeros(4000).bernoulli_(weights)
    np.testing.assert_array_equal(out.numpy().reshape(-1, 4)[:, :2],
                                  np.tile([0.0, 1.0], (1000, 1)))


def test_bernoulli_gradient_is_zero_like_torch():
    for lib in (gb, torch):
        p = lib.full((3,), 0.5, requires_grad=True)
        draws = lib.bernoulli(p)
        assert draws.grad_fn is not None
        (draws * 2).sum().backward()
        assert p.grad.tolist() == [0.0, 0.0, 0.0]


def test_bernoulli_errors_like_torch():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match=r"expects p to be in \[0, 1\], but got p=1.5"):
            lib.ones(3).bernoulli_(1.5)
        with pytest.raises(RuntimeError):
            lib.bernoulli(lib.tensor([1.5, 0.2]))
    with pytest.raises(RuntimeError, match=r"must be in \[0, 1\]; received values from 0.2"):
        gb.bernoulli(gb.tensor([1.5, 0.2]))


@pytest.mark.parametrize("shifts, dims", [(1, None), (-3, None), (2, 1), ((1, -1), (0, 1)),
                                          ((5, 2), (-1, 0))])
def test_roll(shifts, dims):
    helper_test_op([(3, 4)], lambda x: torch.roll(x, shifts, dims),
                   lambda x: gb.roll(x, shifts, dims))


def test_roll_error_like_torch():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
            lib.roll(lib.ones(2, 3), (1, 2), 0)


@pytest.mark.parametrize("repeats, dim", [(2, None), (3, 1), ([1, 0, 2], 1), ([2, 1], 0)])
def test_repeat_interleave(repeats, dim):
    helper_test_op([(2, 3)],
                   lambda x: torch.repeat_interleave(
                       x, torch.tensor(repeats) if isinstance(repeats, list) else repeats, dim),
                   lambda x: gb.repeat_interleave(
                       x, gb.tensor(repeats) if isinstance(repeats, list) else repeats, dim))
    counts = [2, 0, 3]
    assert_close(gb.repeat_interleave(gb.tensor(counts)),
                 torch.repeat_interleave(torch.tensor(counts)), 0, 0, "indices overload")
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="repeats must have the same size"):
            lib.ones(2, 3).repeat_interleave(lib.tensor([1, 2]), dim=1)


@pytest.mark.parametrize("dim, keepdim", [(None, False), (0, False), (1, True), (-1, False)])
def test_median_values_indices_and_gradients(dim, keepdim):
    def call(x, lib):
        result = lib.median(x) if dim is None else lib.median(x, dim, keepdim)
        return result if dim is None else (result.values, result.indices)

    helper_test_op([(3, 5)], lambda x: call(x, torch), lambda x: call(x, gb))
    helper_test_op([(4, 6)], lambda x: call(x, torch), lambda x: call(x, gb))
    # ties: over all elements the equal entries share the gradient, as torch
    helper_test_op(None, lambda x: call(x, torch), lambda x: call(x, gb),
                   values=[[[3.0, 1.0, 2.0, 2.0], [0.0, 5.0, 4.0, 4.0]]])


def test_median_of_integers_and_nan_like_torch():
    for lib in (gb, torch):
        assert lib.tensor([5, 1, 4, 2]).median().item() == 2
        assert np.isnan(lib.tensor([1.0, float("nan"), 2.0]).median().item())
        values, indices = lib.tensor([[1.0, float("nan"), 2.0]]).median(1)
        assert np.isnan(values.item()) and indices.item() == 1


@pytest.mark.parametrize("shapes, p", [([(4, 3), (5, 3)], 2.0), ([(2, 4, 3), (2, 5, 3)], 1.0),
                                       ([(4, 3), (5, 3)], 3.0), ([(3, 2), (3, 2)], float("inf"))])
def test_cdist(shapes, p):
    helper_test_op(shapes, lambda a, b: torch.cdist(a, b, p), lambda a, b: gb.cdist(a, b, p))


def test_cdist_zero_distance_gradient_and_errors_like_torch():
    for lib in (gb, torch):
        a = lib.zeros(1, 2, requires_grad=True)
        lib.cdist(a, lib.zeros(1, 2)).sum().backward()
        assert a.grad.tolist() == [[0.0, 0.0]]
        with pytest.raises(RuntimeError, match="X1 and X2 must have the same number of columns"):
            lib.cdist(lib.ones(2, 3), lib.ones(2, 4))


def test_generator_streams_are_reproducible_and_independent_of_the_global_one():
    def draws(generator):
        return np.concatenate([
            gb.randn(3, generator=generator).numpy().ravel(),
            gb.rand(2, dtype=gb.float64, generator=generator).numpy(),
            gb.randint(0, 10, (4,), generator=generator).numpy(),
            gb.randperm(5, generator=generator).numpy(),
            gb.bernoulli(gb.full((4,), 0.5), generator=generator).numpy(),
            gb.multinomial(gb.ones(4), 2, generator=generator).numpy(),
            gb.empty(3).normal_(generator=generator).numpy(),
        ])

    gb.manual_seed(0)
    first = draws(gb.Generator().manual_seed(42))
    gb.manual_seed(1)  # the global generator does not matter
    _ = gb.randn(10)
    np.testing.assert_array_equal(first, draws(gb.Generator().manual_seed(42)))
    assert not np.array_equal(first, draws(gb.Generator().manual_seed(43)))
    # a fresh generator is deterministic too (torch's default seed)
    np.testing.assert_array_equal(draws(gb.Generator()), draws(gb.Generator()))
    assert gb.Generator().initial_seed() == torch.Generator().initial_seed()


def test_generator_api_like_torch():
    for lib in (gb, torch):
        generator = lib.Generator()
        assert generator.manual_seed(7) is generator and generator.initial_seed() == 7
        assert generator.manual_seed(-1).initial_seed() == 2**64 - 1  # wraps, as torch
        seed = generator.seed()
        assert generator.initial_seed() == seed
        state = generator.get_state()
        a = lib.randn(3, generator=generator)
        generator.set_state(state)
        np.testing.assert_array_equal(a.numpy(), lib.randn(3, generator=generator).numpy())
        assert str(generator.device) == "cpu"
        with pytest.raises(RuntimeError, match="manual_seed expected a long"):
            generator.manual_seed(1.5)
    with pytest.raises(RuntimeError, match="CPU only"):
        gb.Generator(device="cuda")


def test_generator_in_random_split_and_data_loader_like_a_torch_program():
    def split_and_shuffle(lib):
        data = lib.utils.data.TensorDataset(lib.arange(10))
        train, test = lib.utils.data.random_split(
            data, [7, 3], generator=lib.Generator().manual_seed(42))
        loader = lib.utils.data.DataLoader(train, batch_size=7, shuffle=True,
                                           generator=lib.Generator().manual_seed(0))
        (batch,) = next(iter(loader))
        return batch.tolist(), sorted(test.indices)

    first, second = split_and_shuffle(gb), split_and_shuffle(gb)
    assert first == second  # the same seeds: the same split and the same order
    assert sorted(first[0] + first[1]) == list(range(10))
    theirs = split_and_shuffle(torch)  # torch's program runs the same (other numbers)
    assert sorted(theirs[0] + theirs[1]) == list(range(10))


BINARY_FREE_FUNCTIONS = ["add", "sub", "subtract", "mul", "multiply", "div", "divide",
                         "true_divide", "atan2", "arctan2", "hypot", "logaddexp", "fmod",
                         "remainder"]


@pytest.mark.parametrize("name", BINARY_FREE_FUNCTIONS)
def test_binary_free_functions_with_broadcasting(name):
    helper_test_op([(3, 4), (4,)], lambda a, b: getattr(torch, name)(a, b),
                   lambda a, b: getattr(gb, name)(a, b))
    helper_test_op([(2, 1), (3,)], lambda a, b: getattr(a, name)(b))


def test_add_sub_with_alpha_and_clamp_min_max():
    helper_test_op([(3, 4), (4,)],
                   lambda a, b: (torch.add(a, b, alpha=2), torch.sub(a, b, alpha=-0.5)),
                   lambda a, b: (gb.add(a, b, alpha=2), gb.sub(a, b, alpha=-0.5)))
    helper_test_op([(3, 4)], lambda a: (torch.clamp_min(a, 0.1), a.clamp_max(0.5)),
                   lambda a: (gb.clamp_min(a, 0.1), a.clamp_max(0.5)))


def test_xlogy_values_and_gradients_at_zero():
    helper_test_op([(3, 4), (4,)], torch.xlogy, gb.xlogy, low=0.1)
    # x = 0 gives 0 (even for y = 0); the x-gradient is log(y), 0 where x = 0 and y <= 0
    helper_test_op(None, torch.xlogy, gb.xlogy,
                   values=[[0.0, 1.0, 2.0, 0.0, 0.0], [0.0, 0.5, 2.0, 3.0, -1.0]],
                   requires_grad=[True, False])


def test_modulo_floor_division_and_rounding_modes():
    helper_test_op([(3, 4)],
                   lambda a: (a % 0.7, a.fmod(0.7), torch.div(a, 0.7, rounding_mode="trunc"),
                              torch.div(a, 0.7, rounding_mode="floor")),
                   lambda a: (a % 0.7, a.fmod(0.7), gb.div(a, 0.7, rounding_mode="trunc"),
                              gb.div(a, 0.7, rounding_mode="floor")))
    # torch has no gradient for a number % Tensor: values only
    helper_test_op([(3, 4)], lambda a: (a // 0.7, 3.0 % a, 3.0 // a), forward_only=True)
    for lib in (gb, torch):
        a, b = lib.tensor([-7, 7, -7, 7]), lib.tensor([2, 2, -2, -2])
        assert (a // b).tolist() == [-4, 3, 3, -4] and str((a // b).dtype).endswith("int64")
        assert (a % b).tolist() == [1, 1, -1, -1]
        assert lib.fmod(a, b).tolist() == [-1, 1, -1, 1]
        assert lib.div(a, b, rounding_mode="trunc").tolist() == [-3, 3, 3, -3]
        with pytest.raises(RuntimeError, match="rounding_mode"):
            lib.div(a, b, rounding_mode="round")
    assert gb.logaddexp(gb.tensor([1000.0]), gb.tensor([1000.0])).item() == pytest.approx(
        1000 + np.log(2))


SPECIAL_DOMAINS = {"lgamma": (0.2, 4.0), "digamma": (0.2, 4.0), "erfinv": (-0.9, 0.9),
                   "exp2": (-2.0, 2.0)}


@pytest.mark.parametrize("name", sorted(SPECIAL_DOMAINS))
def test_special_functions_as_function_method_and_in_place(name):
    low, high = SPECIAL_DOMAINS[name]
    helper_test_op([(3, 4)], lambda x: getattr(torch, name)(x), lambda x: getattr(gb, name)(x),
                   low=low, high=high)
    helper_test_op([(5,)], lambda x: getattr(x, name)(), low=low, high=high)
    helper_test_op([(5,)], lambda x: getattr(x.clone(), f"{name}_")(), low=low, high=high)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_polygamma_and_the_chain_of_derivatives(n):
    # torch's polygamma for n >= 2 is accurate to ~1e-9 (scipy's, which glassbox uses,
    # to ~1e-15): compared at rtol 1e-6
    helper_test_op([(3, 4)], lambda x: torch.polygamma(n, x), lambda x: gb.polygamma(n, x),
                   low=0.5, high=3.0, rtol=1e-6)
    helper_test_op([(3,)], lambda x: x.polygamma(n), low=0.5, high=3.0, rtol=1e-6)

    def second_order(lib):
        x = lib.tensor([0.5, 2.0, 3.5], dtype=lib.float64, requires_grad=True)
        first = lib.autograd.grad(x.lgamma().sum(), [x], create_graph=True)[0]
        return first, lib.autograd.grad((first * first).sum(), [x])[0]

    for mine, theirs in zip(second_order(gb), second_order(torch)):
        assert_close(mine.detach(), theirs.detach(), 1e-8, 1e-12, "lgamma second order")


def test_logit_with_and_without_eps():
    helper_test_op([(3, 4)], torch.logit, gb.logit, low=0.05, high=0.95)
    helper_test_op([(3, 4)], lambda x: x.logit(eps=0.2), low=0.05, high=0.95)
    with pytest.raises(RuntimeError, match="negative n"):
        gb.polygamma(-1, gb.ones(2))


@pytest.mark.parametrize("source, destination", [(0, -1), (-1, 0), ((0, 1), (2, 0)),
                                                 ([2, 0], [0, 1])])
def test_movedim_and_moveaxis(source, destination):
    helper_test_op([(2, 3, 4)], lambda x: torch.movedim(x, source, destination),
                   lambda x: gb.movedim(x, source, destination))
    helper_test_op([(2, 3, 4)], lambda x: x.moveaxis(source, destination))


@pytest.mark.parametrize("dims", [(2,), (2, 1), (1, 2, 3)])
def test_tile(dims):
    helper_test_op([(2, 3)], lambda x: torch.tile(x, dims), lambda x: gb.tile(x, dims))
    helper_test_op([(3,)], lambda x: x.tile(dims))


def test_select_unflatten_ravel():
    helper_test_op([(2, 3, 4)], lambda x: (x.select(1, -1), torch.select(x, 2, 0),
                                           x.unflatten(2, (2, -1)), x.ravel()),
                   lambda x: (x.select(1, -1), gb.select(x, 2, 0), x.unflatten(2, (2, -1)),
                              x.ravel()))
    for lib in (gb, torch):
        with pytest.raises(IndexError, match="out of range"):
            lib.zeros(2, 3).select(1, 3)


def test_take_along_dim_and_masked_select():
    values = [np.arange(6.0).reshape(2, 3) / 3, np.array([[0], [2]])]
    helper_test_op(None, lambda x, i: torch.take_along_dim(x, i, 1),
                   lambda x, i: gb.take_along_dim(x, i, 1), values=values)
    helper_test_op(None, lambda x, i: x.take_along_dim(i, 1),
                   values=[values[0], np.array([[0, 2, 2, 1]])])   # broadcast along dim 0
    helper_test_op(None, lambda x, i: torch.take_along_dim(x, i),
                   lambda x, i: gb.take_along_dim(x, i), values=[values[0], np.array([5, 0])])
    mask = np.array([True, False, True])
    helper_test_op([(2, 3)], lambda x: torch.masked_select(x, torch.tensor(mask)),
                   lambda x: gb.masked_select(x, gb.tensor(mask)))
    helper_test_op([(2, 3)], lambda x: x.masked_select(x > 0))


@pytest.mark.parametrize("n, dim", [(1, -1), (2, -1), (1, 0), (3, 1)])
def test_diff(n, dim):
    helper_test_op([(3, 4)], lambda x: torch.diff(x, n, dim), lambda x: gb.diff(x, n, dim))
    helper_test_op([(3, 4), (3, 1), (3, 2)],
                   lambda x, p, a: torch.diff(x, n, -1, prepend=p, append=a),
                   lambda x, p, a: gb.diff(x, n, -1, prepend=p, append=a))


@pytest.mark.parametrize("dim, keepdim", [(None, False), (0, False), (1, True)])
def test_count_nonzero_nansum_nanmean(dim, keepdim):
    values = np.array([[0.0, 1.5, np.nan], [2.0, 0.0, -1.0]])
    assert_close(gb.count_nonzero(gb.tensor(values), dim),
                 torch.count_nonzero(torch.tensor(values), dim), 0, 0, "count_nonzero")
    args = () if dim is None else (dim, keepdim)
    helper_test_op(None, lambda x: (torch.nansum(x, *args), torch.nanmean(x, *args)),
                   lambda x: (gb.nansum(x, *args), x.nanmean(*args)), values=[values])


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "correction": 0, "keepdim": True}])
def test_std_mean_and_var_mean(kwargs):
    helper_test_op([(3, 4)], lambda x: (*torch.std_mean(x, **kwargs),
                                        *torch.var_mean(x, **kwargs)),
                   lambda x: (*gb.std_mean(x, **kwargs), *gb.var_mean(x, **kwargs)))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_running_extremes_with_ties(name):
    helper_test_op([(3, 5)], lambda x: getattr(torch, name)(x, 1),
                   lambda x: getattr(gb, name)(x, 1))
    helper_test_op([(4, 2)], lambda x: tuple(getattr(x, name)(0)))
    ties = [[1.0, 3.0, 3.0, 2.0, 5.0, 5.0], [3.0, 1.0, 1.0, 2.0, 0.0, 0.0]]
    helper_test_op(None, lambda x: tuple(getattr(x, name)(-1)), values=[ties])


def test_isclose_equal_is_floating_point():
    a, b = [1.0, float("nan"), 2.0], [1.0 + 1e-9, float("nan"), 2.1]
    for equal_nan in (False, True):
        assert_close(gb.isclose(gb.tensor(a), gb.tensor(b), equal_nan=equal_nan),
                     torch.isclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan),
                     0, 0, "isclose")
    for lib in (gb, torch):
        assert lib.equal(lib.ones(2), lib.ones(2)) is True
        assert lib.equal(lib.ones(2), lib.ones(3)) is False
        assert lib.ones(2).is_floating_point() and not lib.is_floating_point(lib.ones(2).long())


def test_normal_overloads_shapes_dtypes_and_moments():
    cases = [lambda lib: lib.normal(lib.zeros(2, 1), lib.ones(3)),
             lambda lib: lib.normal(lib.zeros(4, dtype=lib.float64), 2.0),
             lambda lib: lib.normal(2.0, lib.ones(3)),
             lambda lib: lib.normal(0.0, 1.0, (2, 5))]
    for case in cases:
        mine, theirs = case(gb), case(torch)
        assert tuple(mine.shape) == tuple(theirs.shape)
        assert mine.dtype == theirs.detach().numpy().dtype
    gb.manual_seed(0)
    draws = gb.normal(gb.full((20000,), 3.0), gb.full((20000,), 2.0)).numpy()
    # 20000 draws: the mean within 4 standard errors (4 * 2 / sqrt(20000) = 0.057)
    assert abs(draws.mean() - 3.0) < 0.057 and abs(draws.std() - 2.0) < 0.05
    generator = gb.Generator().manual_seed(1)
    first = gb.normal(0.0, 1.0, (3,), generator=generator)
    np.testing.assert_array_equal(
        first.numpy(), gb.normal(0.0, 1.0, (3,), generator=gb.Generator().manual_seed(1)).numpy())


def test_normal_gradient_is_zero_and_errors_like_torch():
    for lib in (gb, torch):
        mean = lib.zeros(3, requires_grad=True)
        std = lib.ones(3, requires_grad=True)
        lib.normal(mean, std).sum().backward()
        assert mean.grad.tolist() == [0.0] * 3 and std.grad.tolist() == [0.0] * 3
        with pytest.raises(RuntimeError, match="normal expects"):
            lib.normal(lib.zeros(2), -1.0)
        with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
            lib.normal(lib.zeros(2), lib.tensor([1.0, -1.0]))
        with pytest.raises(TypeError):
            lib.normal(0.0, 1.0)


def test_randint_like_and_empty_like():
    for lib in (gb, torch):
        x = lib.zeros(2, 3, dtype=lib.float64)
        draws = lib.randint_like(x, 3, 5)
        assert tuple(draws.shape) == (2, 3) and str(draws.dtype).endswith("float64")
        assert set(np.unique(draws.numpy())) <= {3.0, 4.0}
        assert set(np.unique(lib.randint_like(x, 2).numpy())) <= {0.0, 1.0}
        empty = lib.empty_like(x)
        assert tuple(empty.shape) == (2, 3) and str(empty.dtype).endswith("float64")


@pytest.mark.parametrize("shapes, dims", [([(2, 3, 4), (3, 4, 5)], 2), ([(2, 3), (3, 2)], 1),
                                          ([(2, 3), (4,)], 0),
                                          ([(2, 3, 4), (4, 2)], ([2, 0], [0, 1]))])
def test_tensordot(shapes, dims):
    helper_test_op(shapes, lambda a, b: torch.tensordot(a, b, dims),
                   lambda a, b: gb.tensordot(a, b, dims))


def test_cross_product_free_function_method_and_linalg():
    helper_test_op([(4, 3), (4, 3)], lambda a, b: torch.cross(a, b, dim=1),
                   lambda a, b: gb.cross(a, b, dim=1))
    helper_test_op([(3, 2), (3, 1)], lambda a, b: a.cross(b, dim=0))
    helper_test_op([(2, 4, 3), (1, 1, 3)], torch.linalg.cross, gb.linalg.cross)
    with pytest.warns(UserWarning, match="without specifying the dim"):
        result = gb.cross(gb.eye(3), gb.ones(3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.cross(torch.eye(3), torch.ones(3, 3))
    assert_close(result, expected, 0, 0, "cross without dim")
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="must have length 3"):
            lib.linalg.cross(lib.ones(2), lib.ones(2))
        with pytest.raises(RuntimeError, match="same number of dimensions"):
            lib.linalg.cross(lib.ones(2, 3), lib.ones(3))


def test_block_diag_and_cartesian_prod():
    helper_test_op([(2, 2), (3,), ()], torch.block_diag, gb.block_diag)
    helper_test_op([(1, 3), (2, 1)], torch.block_diag, gb.block_diag)
    helper_test_op([(2,), (3,), (2,)], torch.cartesian_prod, gb.cartesian_prod)
    assert_close(gb.cartesian_prod(gb.tensor([1, 2]), gb.tensor([3, 4, 5])),
                 torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5])), 0, 0,
                 "integers")


def test_counting_and_searching_like_torch():
    def case(lib):
        sequence = lib.tensor([[1, 3, 5], [2, 4, 6]])
        return [lib.bincount(lib.tensor([0, 2, 2, 5]), minlength=7),
                lib.tensor([0, 2, 2]).bincount(lib.tensor([1.0, 2.0, 3.0])),
                lib.bincount(lib.tensor([1, 1]), lib.tensor([0.5, 0.25], dtype=lib.float64)),
                lib.searchsorted(sequence, lib.tensor([[3], [5]])),
                lib.searchsorted(sequence[0], lib.tensor([3, 6, 0]), right=True),
                lib.searchsorted(sequence[0], lib.tensor([3]), side="right", out_int32=True),
                lib.bucketize(lib.tensor([3, 6, 9]), lib.tensor([1, 3, 5, 7, 9])),
                lib.bucketize(lib.tensor([3.0, 6.0]), lib.tensor([1.0, 3.0, 5.0]), right=True),
                lib.triu_indices(3, 4, 1), lib.tril_indices(3, 3), lib.tril_indices(4, 3, -1)]

    for index, (mine, theirs) in enumerate(zip(case(gb), case(torch))):
        assert_close(mine, theirs, 0, 0, f"result {index}")
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative"):
            lib.bincount(lib.tensor([-1, 2]))


@pytest.mark.parametrize("k, dim, keepdim", [(1, -1, False), (2, 0, True), (3, 1, False)])
def test_kthvalue(k, dim, keepdim):
    helper_test_op([(3, 4)], lambda x: tuple(torch.kthvalue(x, k, dim, keepdim)),
                   lambda x: tuple(gb.kthvalue(x, k, dim, keepdim)))
    helper_test_op(None, lambda x: tuple(x.kthvalue(2)), values=[[3.0, 1.0, 2.0, 1.0]])
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="out of range"):
            lib.ones(3).kthvalue(4)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "nearest", "midpoint"])
@pytest.mark.parametrize("q, dim, keepdim", [(0.4, None, False), (0.5, 1, True),
                                             ([0.0, 0.25, 0.9, 1.0], 0, False),
                                             ([0.3, 0.7], None, True), ([0.1, 0.5], -1, True)])
def test_quantile(q, dim, keepdim, interpolation):
    def call(lib, x):
        levels = lib.tensor(q, dtype=x.dtype) if isinstance(q, list) else q
        return lib.quantile(x, levels, dim, keepdim, interpolation=interpolation)

    helper_test_op([(3, 5)], lambda x: call(torch, x), lambda x: call(gb, x))
    helper_test_op([(2, 3, 4)], lambda x: call(torch, x), lambda x: call(gb, x))


def test_quantile_errors_like_torch():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match=r"q must be in the range \[0, 1\] but got 1.5"):
            lib.quantile(lib.ones(3), 1.5)
        with pytest.raises(RuntimeError, match="interpolation must be one of"):
            lib.quantile(lib.ones(3), 0.5, interpolation="cubic")


@pytest.mark.parametrize("name", ["any", "all"])
def test_any_all_with_dims(name):
    values = np.array([[0, 1, 2], [0, 0, 3]])
    for args in [(), (0,), (1, True), ((0, 1),)]:
        assert_close(getattr(gb, name)(gb.tensor(values), *args),
                     getattr(torch, name)(torch.tensor(values), *args), 0, 0, f"{name}{args}")
        assert_close(getattr(gb.tensor(values), name)(*args),
                     getattr(torch.tensor(values), name)(*args), 0, 0, f"Tensor.{name}{args}")
    assert "any" not in gb.__all__ and "all" not in gb.__all__  # builtins stay builtins


def test_logic_comparisons_and_special_values():
    a = [0.0, 1.0, float("inf"), -float("inf"), float("nan"), 2.0]
    b = [1.0, 1.0, 0.0, -float("inf"), 0.0, 3.0]

    def case(lib):
        x, y = lib.tensor(a), lib.tensor(b)
        return [lib.logical_and(x, y), lib.logical_or(x, y), x.logical_xor(y),
                lib.logical_not(x), lib.isinf(x), x.isposinf(), lib.isneginf(x),
                lib.isin(x, lib.tensor([1.0, 2.0])), lib.isin(y, lib.tensor([1.0]), invert=True),
                lib.eq(x, y), lib.ne(x, y), lib.lt(x, y), lib.le(x, 1.0), lib.gt(x, y),
                lib.ge(x, y), lib.greater(x, y), lib.less(x, y), lib.greater_equal(x, y),
                lib.less_equal(x, y), lib.not_equal(x, y), lib.nan_to_num(x),
                x.nan_to_num(nan=-1.0, posinf=9.0, neginf=-9.0), lib.sgn(x)]

    for index, (mine, theirs) in enumerate(zip(case(gb), case(torch))):
        assert_close(mine, theirs, 0, 0, f"result {index}")
    helper_test_op(None, lambda x: torch.nan_to_num(x, nan=0.5),
                   lambda x: gb.nan_to_num(x, nan=0.5),
                   values=[[1.0, float("nan"), float("inf"), -2.0]])


def test_clamp_with_tensor_bounds():
    helper_test_op([(3, 4), (4,), (3, 1)], lambda x, lo, hi: torch.clamp(x, lo, hi + 2),
                   lambda x, lo, hi: gb.clamp(x, lo, hi + 2))
    helper_test_op([(3, 4), (4,)], lambda x, lo: x.clamp(min=lo))
    helper_test_op([(3, 4), (4,)], lambda x, hi: x.clamp(max=hi))


def test_sum_and_mean_with_dtype():
    helper_test_op([(3, 4)],
                   lambda x: (x.sum(dtype=torch.float64), torch.mean(x, 1, dtype=torch.float64)),
                   lambda x: (x.sum(dtype=gb.float64), gb.mean(x, 1, dtype=gb.float64)),
                   dtypes=("float32",))
    for lib in (gb, torch):
        assert lib.tensor([1, 2]).mean(dtype=lib.float32).item() == 1.5


@pytest.mark.parametrize("name", ["asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
                                  "arcsinh", "arccosh", "arctanh"])
def test_inverse_trigonometric_and_hyperbolic_names(name):
    low, high = {"acosh": (1.2, 3.0), "arccosh": (1.2, 3.0)}.get(name, (-0.9, 0.9))
    helper_test_op([(3, 4)], lambda x: getattr(torch, name)(x), lambda x: getattr(gb, name)(x),
                   low=low, high=high)
    helper_test_op([(4,)], lambda x: getattr(x, name)(), low=low, high=high)


def test_shape_aliases_and_broadcasting_helpers():
    helper_test_op([(2, 3, 4)], lambda x: (torch.swapdims(x, 0, 2), torch.fliplr(x), x.flipud(),
                                           torch.broadcast_to(x[:, :1], (2, 3, 4)),
                                           torch.absolute(x), torch.negative(x), x.positive()),
                   lambda x: (gb.swapdims(x, 0, 2), gb.fliplr(x), x.flipud(),
                              gb.broadcast_to(x[:, :1], (2, 3, 4)), gb.absolute(x),
                              gb.negative(x), x.positive()))
    helper_test_op([(2, 1), (3,)], torch.broadcast_tensors, gb.broadcast_tensors)
    assert gb.broadcast_shapes((2, 1), (1, 3), (3,)) == torch.broadcast_shapes((2, 1), (1, 3), (3,))
    helper_test_op([(2,), (3, 1)], lambda a, b: (*torch.atleast_3d(a, b), torch.atleast_2d(a),
                                                 torch.atleast_1d(a)),
                   lambda a, b: (*gb.atleast_3d(a, b), gb.atleast_2d(a), gb.atleast_1d(a)))
    helper_test_op([()], lambda a: (torch.atleast_1d(a), torch.atleast_2d(a), torch.atleast_3d(a)),
                   lambda a: (gb.atleast_1d(a), gb.atleast_2d(a), gb.atleast_3d(a)))


def test_concat_clone_detach_dist_inner_fmax_fmin():
    helper_test_op([(2, 3), (1, 3)],
                   lambda a, b: (torch.concat([a, b]), torch.concatenate((a, b), 0),
                                 torch.clone(a), torch.dist(a, b), torch.dist(a, b, 1),
                                 torch.inner(a, b)),
                   lambda a, b: (gb.concat([a, b]), gb.concatenate((a, b), 0), gb.clone(a),
                                 gb.dist(a, b), gb.dist(a, b, 1), gb.inner(a, b)))
    nan = float("nan")
    values = [[1.0, nan, nan, -2.0, 3.0], [nan, 2.0, nan, -1.0, 0.5]]
    helper_test_op(None, lambda a, b: (torch.fmax(a, b), torch.fmin(a, b)),
                   lambda a, b: (gb.fmax(a, b), gb.fmin(a, b)), values=values)
    for lib in (gb, torch):
        x = lib.ones(2, requires_grad=True)
        assert not lib.detach(x).requires_grad


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logcumsumexp_values_gradients_and_second_order(dim):
    helper_test_op([(3, 4)], lambda x: torch.logcumsumexp(x, dim),
                   lambda x: gb.logcumsumexp(x, dim), low=-5.0, high=5.0)
    # far apart values (exp would overflow / underflow) stay finite
    helper_test_op(None, lambda x: x.logcumsumexp(0),
                   values=[[0.0, 1000.0, -1000.0, 2.0, 999.0]])

    def second_order(lib):
        x = lib.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], dtype=lib.float64,
                       requires_grad=True)
        upstream = lib.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0]], dtype=lib.float64)
        first = lib.autograd.grad((x.logcumsumexp(dim) * upstream).sum(), [x],
                                  create_graph=True)[0]
        return first, lib.autograd.grad((first * first).sum(), [x])[0]

    for mine, theirs in zip(second_order(gb), second_order(torch)):
        assert_close(mine.detach(), theirs.detach(), 1e-9, 1e-12, "logcumsumexp second order")


def test_mode_like_torch():
    helper_test_op(None, lambda x: tuple(torch.mode(x)), lambda x: tuple(gb.mode(x)),
                   values=[[3.0, 1.0, 3.0, 1.0, 2.0]])
    helper_test_op(None, lambda x: tuple(x.mode(1, keepdim=True)),
                   values=[[[1.0, 2.0, 2.0], [5.0, 5.0, 4.0]]])
    helper_test_op(None, lambda x: tuple(x.mode(0)),
                   values=[[[1.0, 2.0, 2.0], [1.0, 5.0, 4.0], [3.0, 5.0, 4.0]]])


def test_index_add_copy_fill_and_in_place():
    index = np.array([0, 2, 0])
    helper_test_op([(3, 2), (3, 2)],
                   lambda x, s: (torch.index_add(x, 0, torch.tensor(index), s, alpha=2),
                                 x.index_copy(0, torch.tensor([2, 0, 1]), s),
                                 x.index_fill(1, torch.tensor([1]), 5.0)),
                   lambda x, s: (gb.index_add(x, 0, gb.tensor(index), s, alpha=2),
                                 x.index_copy(0, gb.tensor([2, 0, 1]), s),
                                 x.index_fill(1, gb.tensor([1]), 5.0)))
    for lib in (gb, torch):
        x = lib.zeros(3, 2)
        assert x.index_add_(0, lib.tensor([0, 0]), lib.ones(2, 2)) is x
        x.index_fill_(1, lib.tensor([0]), -1.0).index_copy_(0, lib.tensor([2]), lib.ones(1, 2))
        assert x.tolist() == [[-1.0, 2.0], [-1.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize("sections", [3, [1, 5], (2, 2, 9)])
def test_tensor_split(sections):
    helper_test_op([(7, 2)], lambda x: torch.tensor_split(x, sections),
                   lambda x: gb.tensor_split(x, sections))


def test_hsplit_vsplit_dsplit():
    helper_test_op([(2, 4, 6)], lambda x: (*torch.hsplit(x, 2), *torch.vsplit(x, [1]),
                                           *torch.dsplit(x, 3)),
                   lambda x: (*gb.hsplit(x, 2), *gb.vsplit(x, [1]), *gb.dsplit(x, 3)))
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="not divisible"):
            lib.hsplit(lib.ones(2, 5), 2)


@pytest.mark.parametrize("bins, low, high", [(4, 0, 3), (3, 0, 0), (5, -1, 10)])
def test_histc(bins, low, high):
    values = [1.0, 2.0, 1.0, 4.0, -3.0, 3.0]
    assert_close(gb.histc(gb.tensor(values), bins, low, high),
                 torch.histc(torch.tensor(values), bins, low, high), 0, 0, "histc")


def test_trapezoid():
    helper_test_op([(3, 5)], lambda y: (torch.trapezoid(y), torch.trapz(y, dim=0),
                                        torch.trapezoid(y, dx=0.5)),
                   lambda y: (gb.trapezoid(y), gb.trapz(y, dim=0), gb.trapezoid(y, dx=0.5)))
    helper_test_op([(3, 5), (5,)], lambda y, x: torch.trapezoid(y, x.cumsum(0)),
                   lambda y, x: gb.trapezoid(y, x.cumsum(0)))
    helper_test_op([(3, 5), (3, 5)], lambda y, x: torch.trapezoid(y, x, dim=1),
                   lambda y, x: gb.trapezoid(y, x, dim=1))


def test_cov_and_corrcoef():
    helper_test_op([(3, 6)], lambda x: (torch.cov(x), x.cov(correction=0), torch.corrcoef(x)),
                   lambda x: (gb.cov(x), x.cov(correction=0), gb.corrcoef(x)))
    helper_test_op([(6,)], torch.cov, gb.cov)
    frequency, reliability = [1, 2, 1, 3, 1, 1], [0.5, 1.0, 2.0, 1.0, 0.3, 0.9]
    helper_test_op([(3, 6)],
                   lambda x: torch.cov(x, fweights=torch.tensor(frequency),
                                       aweights=torch.tensor(reliability, dtype=x.dtype)),
                   lambda x: gb.cov(x, fweights=gb.tensor(frequency),
                                    aweights=gb.tensor(reliability, dtype=x.dtype)))
