"""torch's namespace and the ops that tutorial programs use, each checked against torch.

Every op through ``tests/parity.py`` (forward, every gradient, float64 and float32), with
torch's own overloads and signatures (``torch.X`` and ``Tensor.X`` both).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassbox as gb
from glassbox.autograd.ops.math import UNARY
from parity import helper_test_op

# a domain where each function and its derivative are defined
DOMAINS = {"log1p": (-0.5, 2.0), "log2": (0.2, 3.0), "log10": (0.2, 3.0), "rsqrt": (0.2, 3.0),
           "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "reciprocal": (0.5, 3.0),
           "tan": (-1.2, 1.2)}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_element_wise_math_as_function_and_method(name):
    low, high = DOMAINS.get(name, (-2.0, 2.0))
    helper_test_op([(3, 4)], lambda x: getattr(torch, name)(x),
                   lambda x: getattr(gb, name)(x), low=low, high=high)
    helper_test_op([(5,)], lambda x: getattr(x, name)(), low=low, high=high)


@pytest.mark.parametrize("name", ["sin", "exp", "sqrt", "floor", "sigmoid"])
def test_element_wise_in_place_variants(name):
    def case(lib):
        x = lib.tensor([0.25, 1.5, 2.0])
        assert getattr(x, f"{name}_")() is x
        return x.numpy()

    np.testing.assert_allclose(case(gb), case(torch), rtol=1e-6)


@pytest.mark.parametrize("diagonal", [-1, 0, 2])
def test_tril_triu(diagonal):
    helper_test_op([(2, 4, 5)], lambda x: torch.tril(x, diagonal), lambda x: gb.tril(x, diagonal))
    helper_test_op([(4, 3)], lambda x: x.triu(diagonal))


def test_causal_mask_pattern_of_a_small_gpt():
    def attention(lib, scores):
        tril = lib.tril(lib.ones(4, 4))
        masked = scores.masked_fill(tril == 0, float("-inf"))
        return lib.nn.functional.softmax(masked, dim=-1)

    helper_test_op([(2, 4, 4)], lambda s: attention(torch, s), lambda s: attention(gb, s))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_and_flip(dim):
    helper_test_op([(3, 4)], lambda x: torch.cumsum(x, dim), lambda x: gb.cumsum(x, dim))
    helper_test_op([(3, 4)], lambda x: x.flip(dim) * torch.arange(4.0, dtype=x.dtype),
                   lambda x: x.flip(dim) * gb.arange(4.0, dtype=x.dtype))


@pytest.mark.parametrize("dim", [0, 1])
def test_gather_scatter(dim):
    rng = np.random.default_rng(1)
    x, source = rng.normal(size=(3, 4)), rng.normal(size=(2, 3))
    index = np.array([[0, 2, 1], [2, 0, 0]])
    helper_test_op(None, lambda x, i: torch.gather(x, dim, i),
                   lambda x, i: gb.gather(x, dim, i), values=[x, index])
    # scatter: one row of distinct indices (repeated positions have no defined winner)
    helper_test_op(None, lambda x, s, i: x.scatter(dim, i[:1], s[:1]), values=[x, source, index])
    helper_test_op(None, lambda x, s, i: x.scatter_add(dim, i, s), values=[x, source, index])


def test_scatter_in_place_on_a_buffer():
    def case(lib):
        buffer = lib.zeros(2, 4)
        buffer.scatter_(1, lib.tensor([[1], [3]]), 1.0)
        return buffer.numpy()

    np.testing.assert_array_equal(case(gb), case(torch))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_topk(descending):
    helper_test_op([(3, 5)], lambda x: torch.sort(x, dim=1, descending=descending),
                   lambda x: gb.sort(x, dim=1, descending=descending))
    helper_test_op([(4, 5)], lambda x: x.topk(2, dim=0, largest=not descending))
    helper_test_op([(6,)], lambda x: torch.topk(x, 3), lambda x: gb.topk(x, 3))


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("i,i->", [(4,), (4,)]),
    ("ij->ji", [(2, 3)]),
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
    ("ij,k->ijk", [(2, 3), (2,)]),
    ("ij,jk", [(2, 3), (3, 2)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("ijk->i", [(2, 3, 4)]),
])
def test_einsum(equation, shapes):
    helper_test_op(shapes, lambda *xs: torch.einsum(equation, *xs),
                   lambda *xs: gb.einsum(equation, *xs))


def test_one_hot():
    index = np.array([[0, 3], [2, 1]])
    ours = gb.nn.functional.one_hot(gb.tensor(index), 5)
    theirs = torch.nn.functional.one_hot(torch.tensor(index), 5)
    assert ours.dtype == gb.int64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(gb.nn.functional.one_hot(gb.tensor(index)).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(index)).numpy())


def test_randint_reads_torchs_overloads():
    gb.manual_seed(0)
    eight = gb.randint(2, (8,))
    assert eight.shape == (8,) and eight.dtype == gb.int64
    assert set(eight.tolist()) <= {0, 1}
    draws = gb.randint(3, 7, (1000,))
    assert set(draws.tolist()) == {3, 4, 5, 6}
    assert gb.randint(5, size=(2, 3)).shape == (2, 3)
    for lib in (gb, torch):
        with pytest.raises(TypeError):
            lib.randint(3, 10)


def test_multinomial_draws_in_proportion_and_without_replacement():
    gb.manual_seed(0)
    weights = gb.tensor([[0.0, 1.0, 3.0], [5.0, 0.0, 0.0]])
    draws = gb.multinomial(weights, 4000, replacement=True)
    assert draws.shape == (2, 4000) and draws.dtype == gb.int64
    assert abs((draws[0] == 2).float().mean().item() - 0.75) < 0.03
    assert (draws[0] != 0).all().item() and (draws[1] == 0).all().item()
    unique = weights[0].multinomial(2).tolist()
    assert sorted(unique) == [1, 2]
    for lib in (gb, torch):
        with pytest.raises(RuntimeError):
            lib.multinomial(lib.tensor([1.0, 1.0]), 3)


def test_dtype_aliases_and_size():
    for name in ("float", "double", "half", "long", "int", "short", "bool"):
        assert gb.zeros(1, dtype=getattr(gb, name)).numpy().dtype.name \
            == str(torch.zeros(1, dtype=getattr(torch, name)).numpy().dtype)
    size = gb.zeros(2, 3).size()
    assert isinstance(size, tuple) and size == (2, 3) and repr(size) == "glassbox.Size([2, 3])"
    assert size == torch.zeros(2, 3).size() and size.numel() == 6


def test_device_and_accelerator_stubs():
    assert not gb.cuda.is_available() and not gb.accelerator.is_available()
    assert not gb.backends.mps.is_available() and gb.cuda.device_count() == 0
    device = gb.device("cuda" if gb.cuda.is_available() else "cpu")
    x = gb.ones(2, device=device).to(device)
    assert x.device == gb.device("cpu") and x.device.type == "cpu" and str(x.device) == "cpu"
    gb.set_default_device("cpu")
    model = gb.nn.Linear(2, 1).to(device)
    assert model(x).shape == (1,)
    for make in (lambda: gb.zeros(2, device="cuda"), lambda: x.to("cuda"), lambda: x.cuda(),
                 lambda: model.to("mps"), lambda: gb.set_default_device("cuda:0")):
        with pytest.raises(RuntimeError, match="CPU only.*engine torch"):
            make()


def test_set_default_dtype():
    try:
        gb.set_default_dtype(gb.float64)
        torch.set_default_dtype(torch.float64)
        assert gb.tensor([1.0]).dtype == gb.float64 and gb.zeros(2).dtype == gb.float64
        for make in (lambda nn: nn.LayerNorm(3), lambda nn: nn.Linear(2, 3),
                     lambda nn: nn.Conv2d(1, 2, 3), lambda nn: nn.BatchNorm1d(2),
                     lambda nn: nn.Embedding(4, 2)):
            assert make(gb.nn).weight.numpy().dtype == make(torch.nn).weight.detach().numpy().dtype
    finally:
        gb.set_default_dtype(gb.float32)
        torch.set_default_dtype(torch.float32)
    assert gb.tensor([1.0]).dtype == gb.float32
    with pytest.raises(TypeError):
        gb.set_default_dtype(gb.int64)


def test_non_numeric_data_is_refused():
    for data in (["a", "b"], np.array(["x"]), [{"a": 1}]):
        with pytest.raises(TypeError, match="hold numbers"):
            gb.tensor(data)


def test_torch_paths_resolve_to_the_same_objects():
    import glassbox.data
    from glassbox.utils.data import DataLoader, TensorDataset, random_split

    assert DataLoader is glassbox.data.DataLoader and TensorDataset is glassbox.data.TensorDataset
    assert random_split is glassbox.data.random_split
    assert gb.utils.data.Dataset is glassbox.data.Dataset


def test_nn_utils_clip_and_vectors():
    def case(lib):
        a = lib.nn.Parameter(lib.tensor([[3.0, -4.0], [1.0, 2.0]]))
        b = lib.nn.Parameter(lib.tensor([0.5]))
        a.grad, b.grad = lib.tensor([[3.0, -4.0], [1.0, 2.0]]), lib.tensor([12.0])
        norm = lib.nn.utils.clip_grad_norm_([a, b], max_norm=2.0)
        inf_norm = lib.nn.utils.clip_grad_norm_([a, b], 0.5, norm_type=float("inf"))
        lib.nn.utils.clip_grad_value_(b, 0.1)
        vector = lib.nn.utils.parameters_to_vector([a, b])
        lib.nn.utils.vector_to_parameters(vector * 2, [a, b])
        return [norm, inf_norm, a.grad, b.grad, vector, a, b]

    for ours, theirs in zip(case(gb), case(torch)):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5)


def test_tensor_constructor_reads_torchs_forms():
    for make in (lambda lib: lib.Tensor([1, 2]), lambda lib: lib.Tensor([[True, False]]),
                 lambda lib: lib.Tensor(2, 3), lambda lib: lib.Tensor(),
                 lambda lib: lib.FloatTensor([1, 2]), lambda lib: lib.LongTensor([3]),
                 lambda lib: lib.DoubleTensor(2, 1), lambda lib: lib.BoolTensor([1, 0])):
        ours, theirs = make(gb), make(torch)
        assert ours.shape == tuple(theirs.shape)
        assert ours.numpy().dtype == theirs.numpy().dtype
    # values where torch's are defined (sizes give uninitialised memory in torch)
    np.testing.assert_array_equal(gb.Tensor([[1, 2]]).numpy(), torch.Tensor([[1, 2]]).numpy())
    np.testing.assert_array_equal(gb.LongTensor([3, 4]).numpy(), torch.LongTensor([3, 4]).numpy())


@pytest.mark.parametrize("sizes", [(2, 1), (1, 3), (2, 2, 1)])
def test_repeat(sizes):
    helper_test_op([(2, 3)], lambda x: x.repeat(*sizes))


def test_selection_helpers():
    index = np.array([2, 0, 2])
    helper_test_op(None, lambda x, i: x.index_select(1, i), values=[
        np.random.default_rng(0).normal(size=(2, 3)), index])
    helper_test_op([(3, 4)], lambda x: x.narrow(1, 1, 2) * 2)
    helper_test_op([(3, 4)], lambda x: torch.stack([r * (k + 1) for k, r in enumerate(
        x.unbind(1))]), lambda x: gb.stack([r * (k + 1) for k, r in enumerate(x.unbind(1))]))
    helper_test_op([(3,), (4,)], lambda a, b: torch.outer(a, b), lambda a, b: gb.outer(a, b))
    helper_test_op([(3,), (3,)], lambda a, b: a.dot(b))
    helper_test_op([(2, 3), (2, 3)], lambda a, b: a.lerp(b, 0.25))
    helper_test_op([(2, 3)], lambda x: x.amin(1))
    helper_test_op([(2, 3), (2, 3)], lambda a, b: torch.vstack([a, b]) + torch.hstack([a, b])
                   .sum(), lambda a, b: gb.vstack([a, b]) + gb.hstack([a, b]).sum())


def test_nonzero_unique_type():
    def case(lib):
        x = lib.tensor([[0, 3], [3, 1]])
        values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
        return [x.nonzero(), x.nonzero(as_tuple=True)[1], values, inverse, counts]

    for ours, theirs in zip(case(gb), case(torch)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for make in (lambda lib: lib.ones(1), lambda lib: lib.ones(1).long(),
                 lambda lib: lib.ones(1).double()):
        assert make(gb).type() == make(torch).type()
    assert gb.ones(1).type(gb.float64).dtype == gb.float64 and gb.ones(1).half().dtype == gb.float16


def test_inference_mode():
    x = gb.ones(2, requires_grad=True)
    with gb.inference_mode():
        assert not (x * 2).requires_grad
    assert gb.is_grad_enabled() and (x * 2).requires_grad
