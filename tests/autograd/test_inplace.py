"""In-place operations, version counters, views and ``.data``, compared with torch case by case.

Each case runs the same code on both libraries (``lib`` is ``glassbox`` or ``torch``) and
asserts the same values, the same identity and the same errors.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassbox as gb

LIBS = pytest.mark.parametrize("lib", [gb, torch], ids=["glassbox", "torch"])


def values(t) -> np.ndarray:
    return np.asarray(t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy())


def both(case):
    """Run ``case(lib)`` on both libraries; returns (glassbox result, torch result)."""
    return case(gb), case(torch)


def assert_same(case, rtol=1e-6):
    ours, theirs = both(case)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(a, (bool, int, float, str)):
            assert a == b
        else:
            np.testing.assert_allclose(values(a), values(b), rtol=rtol)


def assert_same_error(case, match: str):
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match=match):
            case(lib)


# ----------------------------------------------------------------- the manual SGD update
def test_manual_sgd_update_changes_the_parameter_in_place_and_trains():
    def case(lib):
        lib.manual_seed(0)
        x = lib.tensor(np.linspace(-1, 1, 20, dtype=np.float32)[:, None])
        y = 3 * x + 1
        w = lib.zeros(1, 1, requires_grad=True)
        b = lib.zeros(1, requires_grad=True)
        before = id(w)
        losses = []
        for _ in range(50):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                for p in (w, b):
                    p -= 0.1 * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
        assert id(w) == before and w.is_leaf and w.requires_grad
        return w, b, lib.tensor(losses)

    assert_same(case, rtol=1e-5)
    ours, _ = both(case)
    assert ours[2][-1].item() < 0.05 * ours[2][0].item()  # it trained


@pytest.mark.parametrize("operation", ["+=", "-=", "*=", "/="])
def test_augmented_assignment_keeps_identity(operation):
    def case(lib):
        x = lib.tensor([1.0, 2.0, 4.0])
        alias = x
        other = lib.tensor([2.0, 0.5, 4.0])
        exec(f"x {operation} other", {}, {"x": x, "other": other})
        x_after = {"+=": x.__iadd__, "-=": x.__isub__, "*=": x.__imul__,
                   "/=": x.__itruediv__}[operation](other)
        assert x_after is alias and x._version == 2
        return (x,)

    assert_same(case)


def test_matmul_assignment_is_not_in_place_in_torch_either():
    def case(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        alias = x
        x @= lib.tensor([[0.0, 1.0], [1.0, 0.0]])
        assert x is not alias
        return x, alias

    assert_same(case)


@pytest.mark.parametrize("method, args", [
    ("add_", (2.0,)), ("sub_", (1.5,)), ("mul_", (3.0,)), ("div_", (4.0,)),
    ("zero_", ()), ("fill_", (7.0,)), ("clamp_", (-0.5, 0.5)), ("pow_", (2,)),
    ("masked_fill_", "mask"), ("copy_", "tensor"), ("addcmul_", "pair"),
    ("addcdiv_", "pair"), ("lerp_", "lerp"), ("clamp_min_", (0.0,)),
])
def test_trailing_underscore_methods(method, args):
    def case(lib):
        x = lib.tensor([-1.0, 0.25, 2.0])
        arguments = {
            "mask": (lib.tensor([True, False, True]), 9.0),
            "tensor": (lib.tensor([5.0, 6.0, 7.0]),),
            "pair": (lib.tensor([1.0, 2.0, 3.0]), lib.tensor([2.0, 4.0, 8.0])),
            "lerp": (lib.tensor([1.0, 1.0, 1.0]), 0.25),
        }.get(args, args)
        assert getattr(x, method)(*arguments) is x
        return x, x._version

    assert_same(case)


def test_add_with_alpha():
    assert_same(lambda lib: (lib.ones(3).add_(lib.ones(3), alpha=-2.5),
                             lib.ones(3).sub_(lib.ones(3), alpha=0.5)))


def test_int_tensor_refuses_a_float_result():
    def case(lib):
        x = lib.tensor([1, 2])
        x += 0.5

    assert_same_error(case, "result type Float can't be cast to the desired output type Long")


def test_shape_mismatch_is_refused():
    def case(lib):
        x = lib.zeros(3)
        x += lib.ones(2, 3)

    assert_same_error(case, r"output with shape \[3\] doesn't match the broadcast shape")


# ----------------------------------------------------------------- leaves and views
def test_leaf_requiring_grad_refused_outside_no_grad():
    def case(lib):
        w = lib.ones(2, requires_grad=True)
        w.add_(1)

    assert_same_error(case, "a leaf Variable that requires grad is being used in an in-place")


def test_leaf_requiring_grad_refuses_augmented_assignment_too():
    def case(lib):
        w = lib.ones(2, requires_grad=True)
        w -= 1

    assert_same_error(case, "a leaf Variable that requires grad is being used in an in-place")


def test_view_of_leaf_refused():
    def case(lib):
        w = lib.ones(2, 3, requires_grad=True)
        w[0].mul_(2)

    assert_same_error(case, "a view of a leaf Variable that requires grad")


@pytest.mark.parametrize("make_view", [
    lambda t: t.view(6), lambda t: t.reshape(3, 2), lambda t: t[1], lambda t: t[:, 1:],
    lambda t: t.t(), lambda t: t.detach(), lambda t: t.data, lambda t: t.transpose(0, 1),
    lambda t: t.unsqueeze(0), lambda t: t.flatten(),
], ids=["view", "reshape", "select", "slice", "t", "detach", "data", "transpose",
        "unsqueeze", "flatten"])
def test_views_share_memory_with_their_base(make_view):
    def case(lib):
        base = lib.zeros(2, 3)
        view = make_view(base)
        view.add_(1)            # through the view ...
        base.mul_(10)           # ... and through the base
        return base, view

    assert_same(case)


def test_views_share_the_version_counter_but_data_does_not():
    def case(lib):
        base = lib.zeros(2, 3)
        view, detached, data = base[0], base.detach(), base.data
        view += 1
        data += 1
        return [base._version, view._version, detached._version, data._version]

    ours, theirs = both(case)
    assert ours == theirs


def test_numpy_shares_memory():
    x = gb.zeros(3)
    x.numpy()[1] = 5
    y = gb.from_numpy(np.arange(3.0))
    y.add_(1)
    np.testing.assert_array_equal(x.numpy(), [0, 5, 0])
    np.testing.assert_array_equal(y.numpy(), [1, 2, 3])
    assert np.shares_memory(y.numpy(), y.data.numpy())


def test_data_is_a_tensor_outside_the_graph():
    def case(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        data = w.data
        assert isinstance(data, lib.Tensor) and not data.requires_grad and data.is_leaf
        w.data.add_(1)
        w.data -= 0.5
        w.data.mul_(2)  # allowed on a leaf that requires grad: .data is outside the graph
        return w, (w * w).sum()

    assert_same(case)


def test_data_setter_replaces_the_values():
    def case(lib):
        w = lib.zeros(2, requires_grad=True)
        w.data = lib.ones(3)
        return (w, w.requires_grad)

    assert_same(case)
    with pytest.raises(TypeError, match="has to be a tensor"):
        gb.zeros(2).data = np.ones(2)


# ----------------------------------------------------------------- version counters
def test_modified_saved_tensor_raises_instead_of_a_wrong_gradient():
    def case(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = lib.tensor([3.0, 4.0])
        y = (x * w).sum()
        x[0] = 100
        y.backward()

    assert_same_error(case, "modified by an inplace operation")


def test_modified_output_saved_by_its_node_raises():
    def case(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()

    assert_same_error(case, "modified by an inplace operation")


def test_optimizer_step_counts_as_a_change_in_place():
    def case(lib):
        lin = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(lin.parameters(), lr=0.1)
        x = lib.ones(4, 2, requires_grad=True)
        out = lin(x) * lin(x)
        lin(x).sum().backward()
        opt.step()
        out.sum().backward()

    assert_same_error(case, "modified by an inplace operation")


def test_unmodified_saved_tensor_backwards_fine():
    def case(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = lib.tensor([3.0, 4.0])
        y = (x * w).sum()
        z = x + 0  # an out-of-place result: x itself is untouched
        z[0] = 100
        y.backward()
        return (w.grad,)

    assert_same(case)


# ----------------------------------------------------------------- recorded in-place ops
def test_in_place_on_a_non_leaf_is_recorded():
    def case(lib):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = a * 2
        alias = b
        b += 1
        b.mul_(a)
        b[0] = a[1] * 10
        b.relu_()
        assert b is alias and not b.is_leaf
        b.sum().backward()
        return a.grad, b

    assert_same(case)


def test_earlier_uses_keep_the_old_value_in_the_graph():
    def case(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 5.0], requires_grad=True)
        b = a + 0
        c = b + 1          # uses the old b (Add saves nothing)
        b *= w             # b's node changes; c's edge must not
        (c.sum() + b.sum()).backward()
        return a.grad, w.grad

    assert_same(case)


def test_buffer_filled_with_values_that_require_grad():
    def case(lib):
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        out = lib.zeros(3, 2)
        out[0] = w[0] * 2
        out[1:] += w
        (out ** 2).sum().backward()
        return w.grad, out

    assert_same(case)


def test_fill_and_copy_record_gradients():
    def case(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        h = w * 3
        h.zero_()
        buf = lib.empty(2)
        buf.copy_(w * w)
        (h + buf).sum().backward()
        return w.grad, buf

    assert_same(case)


# ----------------------------------------------------------------- graph inspection, hooks
def test_grad_fn_names_and_next_functions_follow_torch():
    def case(lib):
        w = lib.tensor([[1.0, 2.0]], requires_grad=True)
        x = lib.tensor([[3.0], [4.0]])
        y = ((w @ x).exp() * 2 + 1).sum()
        names = []
        node = y.grad_fn
        while node is not None:
            names.append(node.name())
            edges = [edge for edge, _ in node.next_functions if edge is not None]
            node = edges[0] if edges else None
        return names

    ours, theirs = both(case)
    assert ours == theirs == ["SumBackward0", "AddBackward0", "MulBackward0", "ExpBackward0",
                              "MmBackward0", "torch::autograd::AccumulateGrad"]


def test_next_functions_marks_constants_as_none():
    def case(lib):
        w = lib.tensor([1.0], requires_grad=True)
        return [None if edge is None else edge.name()
                for edge, _ in (w * 2).grad_fn.next_functions]

    ours, theirs = both(case)
    assert ours == theirs == ["torch::autograd::AccumulateGrad", None]
    w = gb.tensor([1.0], requires_grad=True)
    assert (w * 2).grad_fn.next_functions[0][0].variable is w


def test_register_hook_on_leaf_and_non_leaf():
    def case(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        h = w * 3
        h.register_hook(lambda g: seen.append(g.clone()))
        handle = w.register_hook(lambda g: g * 10)
        (h * h).sum().backward()
        handle.remove()
        (w * w).sum().backward()
        return w.grad, seen[0]

    assert_same(case)


def test_register_hook_needs_grad():
    assert_same_error(lambda lib: lib.zeros(2).register_hook(print),
                      "cannot register a hook on a tensor that doesn't require gradient")


@pytest.mark.parametrize("change", [
    lambda y, w: y.view(-1).mul_(w.repeat(2)),
    lambda y, w: y.t().add_(w.unsqueeze(1)),
    lambda y, w: y.reshape(3, 2).mul_(w.sum()),
    lambda y, w: y[1].mul_(w),
], ids=["view", "t", "reshape", "select"])
def test_in_place_through_a_view_of_a_graph_tensor_is_recorded(change):
    def case(lib):
        a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = a * 1.5
        change(y, w)
        (y * y).sum().backward()
        return y, a.grad, w.grad

    assert_same(case, rtol=1e-6)


def test_in_place_through_a_view_of_a_view_is_refused_clearly():
    y = gb.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="view of a view|directly from a Tensor"):
        y[0][1:].add_(1)
