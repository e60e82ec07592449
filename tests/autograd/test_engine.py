"""The backward engine: accumulation, graph freeing, deep graphs, higher-order gradients,
grad modes, dtype rules and torch-like errors."""

import numpy as np
import pytest
import torch

import glassbox as gb
from glassbox.autograd import grad
from parity import assert_close


def _pair(array, requires_grad=True):
    return (gb.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def test_gradients_accumulate_across_backward_calls_like_torch():
    x, tx = _pair(np.array([1.0, -2.0, 3.0]))
    for _ in range(3):
        (x * x).sum().backward()
        (tx * tx).sum().backward()
    assert_close(x.grad, tx.grad, 1e-12, 0, "accumulated grad")
    assert_close(x.grad, 3 * 2 * np.array([1.0, -2.0, 3.0]), 1e-12, 0, "value")


def test_backward_twice_needs_retain_graph():
    x = gb.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * (np.exp([1.0, 2.0]) * (1 + np.array([1, 2]))),
                               rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_non_scalar_backward_needs_a_gradient():
    x = gb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(gb.tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 20.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(gb.ones(3))


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        gb.ones(2).sum().backward()


def test_a_chain_of_10000_ops_backpropagates_without_recursion():
    x = gb.tensor([0.5], dtype=gb.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0001 ** 10_000], rtol=1e-9)


def test_shared_subexpressions_sum_their_gradients():
    # y = a*b + a*a uses a on three paths
    a, ta = _pair(np.array([1.5, -0.5]))
    b, tb = _pair(np.array([2.0, 3.0]))
    ((a * b + a * a) * a).sum().backward()
    ((ta * tb + ta * ta) * ta).sum().backward()
    assert_close(a.grad, ta.grad, 1e-12, 0, "a")
    assert_close(b.grad, tb.grad, 1e-12, 0, "b")


def test_a_gradient_shared_by_a_leaf_and_a_pending_node_is_not_overwritten():
    # the Add nodes hand one array both to the leaf a and to the nodes still to run
    results = []
    for lib in (gb, torch):
        a = lib.tensor([0.5, -1.0], requires_grad=True)
        # Mul's backward makes a fresh array that both Adds pass on unchanged
        (((a + a.exp()) + a * 3) * 2).sum().backward()
        (((a.exp() + a) + a * 3) * 2).sum().backward()
        results.append(a.grad)
    assert_close(results[0], results[1], 1e-6, 1e-7, "gradient")


def test_leaf_grads_never_alias_each_other():
    a = gb.zeros(3, requires_grad=True)
    b = gb.zeros(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 5  # an optimizer updating one gradient in place
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0, 1.0])
    assert a.grad.numpy().flags.writeable and b.grad.numpy().flags.writeable
    upstream = gb.ones(3)
    c = gb.zeros(3, requires_grad=True)
    (c + 1.0).backward(upstream)
    c.grad.data += 1  # must not change the caller's gradient
    np.testing.assert_array_equal(upstream.data, [1.0, 1.0, 1.0])


def test_gradient_penalty_second_order_matches_torch():
    """WGAN-GP: d/dtheta of (||d critic(x) / dx|| - 1)^2, through create_graph=True."""
    rng = np.random.default_rng(0)
    x_np = rng.normal(size=(5, 4))
    w1_np, w2_np = rng.normal(size=(4, 6)), rng.normal(size=(6, 1))
    results = []
    for lib in (gb, torch):
        x = lib.tensor(x_np, requires_grad=True)
        w1 = lib.tensor(w1_np, requires_grad=True)
        w2 = lib.tensor(w2_np, requires_grad=True)
        hidden = x @ w1
        critic = (lib.where(hidden > 0, hidden, hidden * 0.2).tanh() @ w2).sigmoid()
        autograd = gb.autograd if lib is gb else torch.autograd
        (grad_x,) = autograd.grad(critic.sum(), x, create_graph=True)
        penalty = ((grad_x * grad_x).sum(1).sqrt() - 1) ** 2
        penalty.mean().backward()
        results.append((grad_x, w1.grad, w2.grad, x.grad))
    for name, mine, theirs in zip(["grad_x", "w1", "w2", "x"], *results):
        assert_close(mine, theirs, 1e-9, 1e-12, name)


def test_hessian_vector_product_through_many_ops_matches_torch():
    rng = np.random.default_rng(1)
    x_np, v_np = rng.uniform(0.5, 2, size=(3, 4)), rng.normal(size=(3, 4))
    results = []
    for lib in (gb, torch):
        x = lib.tensor(x_np, requires_grad=True)
        y = ((x.log() * x.exp() / (1 + x ** 2)).softmax(1) * x.sqrt()).sum(0).max() \
            + lib.cat([x[:, :2], x[[0, 0, 2]].abs()], 1).var() \
            + (x.clamp(0.7, 1.5) @ x.T).mean() + lib.stack([x, x * x]).std()
        autograd = gb.autograd if lib is gb else torch.autograd
        (g,) = autograd.grad(y, x, create_graph=True)
        (hv,) = autograd.grad((g * lib.tensor(v_np)).sum(), x)
        results.append((g, hv))
    assert_close(results[0][0], results[1][0], 1e-9, 1e-12, "gradient")
    assert_close(results[0][1], results[1][1], 1e-8, 1e-10, "Hessian-vector product")


def test_third_order_derivative():
    x = gb.tensor([2.0], dtype=gb.float64, requires_grad=True)
    (d1,) = grad((x ** 4).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x)
    assert (d1.item(), d2.item(), d3.item()) == (32.0, 48.0, 48.0)


def test_grad_returns_without_touching_dot_grad_and_handles_non_leaves():
    x = gb.tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3
    y = (hidden * hidden).sum()
    g_hidden, g_x = grad(y, [hidden, x])
    np.testing.assert_array_equal(g_hidden.data, [6.0, 12.0])
    np.testing.assert_array_equal(g_x.data, [18.0, 36.0])
    assert x.grad is None


def test_grad_unused_inputs():
    x = gb.ones(2, requires_grad=True)
    unused = gb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad((x * 2).sum(), [x, unused])
    assert grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad((x * 2).sum(), gb.ones(2))


def test_no_grad_enable_grad_and_detach():
    x = gb.ones(2, requires_grad=True)
    with gb.no_grad():
        y = x * 2
        with gb.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None
    assert not x.detach().requires_grad and x.detach().numpy() is x.numpy()

    @gb.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad

    @gb.no_grad
    def triple(t):
        return t * 3

    assert not triple(x).requires_grad and triple.__name__ == "triple"
    assert gb.is_grad_enabled()


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        gb.tensor([1, 2], requires_grad=True)


def test_in_place_update_of_a_leaf_needs_no_grad():
    w = gb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w.add_(1.0)
    with gb.no_grad():
        w.sub_(gb.tensor([0.5, 0.25]), alpha=2)
    np.testing.assert_array_equal(w.data, [0.0, 0.5])


@pytest.mark.parametrize("make", [
    lambda x: x * 0.1, lambda x: 0.1 + x, lambda x: x / 3, lambda x: x ** 2.5,
    lambda x: x * np.float64(0.1), lambda x: x - np.float64(2), lambda x: x.mean(),
    lambda x: x.var(), lambda x: x.exp().log(), lambda x: gb.where(x > 0, x, 0.0),
    lambda x: x.clamp(-0.5, 0.5), lambda x: x.softmax(0), lambda x: x @ x,
])
def test_float32_never_drifts_to_float64(make):
    x = gb.tensor([0.5, 1.5], requires_grad=True)
    y = make(x)
    assert y.dtype == gb.float32
    y.sum().backward()
    assert x.grad.dtype == gb.float32


def test_dtype_promotion_follows_torch():
    ints, floats, doubles = gb.arange(3), gb.ones(3), gb.ones(3, dtype=gb.float64)
    assert (ints * 0.5).dtype == gb.float32           # torch: int * python float -> float32
    assert (ints + floats).dtype == gb.float32        # NumPy would give float64
    assert (floats + doubles).dtype == gb.float64
    assert (floats * gb.tensor(2.0, dtype=gb.float64)).dtype == gb.float32  # 0-d loses
    assert (ints / 2).dtype == gb.float32
    assert (ints * 2).dtype == gb.int64
    assert gb.tensor(np.zeros(2)).dtype == gb.float64  # an ndarray keeps its dtype
    assert gb.tensor([1.0]).dtype == gb.float32 and gb.tensor([1]).dtype == gb.int64


def test_shape_errors_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"2x3 and 4x5"):
        gb.ones(2, 3) @ gb.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"Size\(\[2, 3\]\).*Size\(\[4\]\)"):
        gb.ones(2, 3) + gb.ones(4)
    with pytest.raises(RuntimeError, match="invalid for input of size 6"):
        gb.ones(2, 3).reshape(4, 2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        gb.ones(2, 3).sum(2)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        gb.ones(2).item()


def _central_difference(function, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        gradient[index] = (function(x + step) - function(x - step)) / (2 * eps)
    return gradient


def test_scatter_backward_of_indexing_by_central_differences():
    """IndexAdd (the scatter behind indexing) differentiated twice, checked numerically."""
    rows = gb.tensor([0, 2, 0, 1, 0])

    def squared_scatter_norm(array):
        x = gb.tensor(array, requires_grad=True)
        (g,) = grad((x[rows] ** 3).sum(), x, create_graph=True)
        return (g * g).sum(), x

    x_np = np.random.default_rng(2).normal(size=(3, 2))
    value, x = squared_scatter_norm(x_np)
    value.backward()
    numeric = _central_difference(lambda a: squared_scatter_norm(a)[0].item(), x_np)
    np.testing.assert_allclose(x.grad.data, numeric, rtol=1e-5, atol=1e-6)


def test_custom_function_api():
    class Cube(gb.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x.data ** 3 * x.dtype.type(scale)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return grad_output * 3 * ctx.scale * x * x, None

    x = gb.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == "CubeBackward" and y.dtype == gb.float32
    (g,) = grad(y.sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    np.testing.assert_allclose(g.data, [6.0, 24.0])
    np.testing.assert_allclose(h.data, [12.0, 24.0])  # d/dx 6 x^2 = 12 x


def test_python_protocols():
    x = gb.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert f"{x.sum():.1f}" == "6.0" and float(x[0, 1]) == -2.0 and int(x[1, 0]) == 3
    assert len(x) == 2 and [row.shape for row in x] == [(2,), (2,)]
    np.testing.assert_array_equal(abs(x).numpy(), np.abs(x.numpy()))
    np.testing.assert_array_equal(np.asarray(x), x.data)
    assert (np.float32(2.0) * x).dtype == gb.float32  # NumPy scalars defer to the Tensor
    assert isinstance(np.ones(2) + gb.ones(2), gb.Tensor)
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x > 0)
    assert {x: 1}[x] == 1  # hashable by identity


def test_backward_releases_the_activations_of_a_kept_loss():
    import weakref

    x = gb.randn(50, 50, requires_grad=True)
    hidden = (x * 2).exp()
    alive = weakref.ref(hidden)
    loss = hidden.sum()
    del hidden
    assert alive() is not None  # the graph holds it until backward
    loss.backward()
    assert alive() is None  # like torch: keeping `loss` does not keep the step's arrays
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_retain_grad_fills_intermediate_gradients_like_torch():
    results = []
    for lib in (gb, torch):
        x = lib.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        hidden = (x * 2).tanh()
        hidden.retain_grad()
        (hidden.exp() * x).sum().backward()
        results.append(hidden.grad)
    assert_close(results[0], results[1], 1e-6, 1e-7, "retained gradient")
