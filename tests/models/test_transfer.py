"""Transfer-learning helpers: freezing, parameter groups, feature extraction (both engines)."""

import numpy as np
import pytest
import torch

from glassbox.models import extract_features, freeze, lenet5, parameter_groups, unfreeze


def _step(model, optimizer, x):
    optimizer.zero_grad()
    model(x).square().sum().backward()
    optimizer.step()


def test_frozen_layers_do_not_move_and_the_rest_does():
    torch.manual_seed(0)
    model = lenet5(nn=torch.nn)
    frozen = freeze(model, up_to="6")
    assert frozen == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    _step(model, optimizer, torch.randn(4, 1, 32, 32))
    for name, parameter in model.named_parameters():
        moved = not torch.equal(before[name], parameter.detach())
        assert moved == (name not in frozen), name
        assert (parameter.grad is None) == (name in frozen)


def test_unfreeze_everything_again():
    model = lenet5(nn=torch.nn)
    freeze(model)
    assert not any(p.requires_grad for p in model.parameters())
    unfreeze(model)
    assert all(p.requires_grad for p in model.parameters())


def test_parameter_groups_give_each_layer_its_learning_rate():
    model = lenet5(nn=torch.nn)
    freeze(model, layers=["0"])
    groups = parameter_groups(model, {"3": 1e-3, "6": 1e-3}, default_lr=1e-1)
    optimizer = torch.optim.SGD(groups, lr=0.5)
    rates = {id(p): g["lr"] for g in optimizer.param_groups for p in g["params"]}
    named = dict(model.named_parameters())
    assert rates[id(named["3.weight"])] == 1e-3
    assert rates[id(named["11.bias"])] == 1e-1
    assert id(named["0.weight"]) not in rates  # frozen parameters are left out


def test_unknown_layer_names_list_the_valid_ones():
    model = lenet5(nn=torch.nn)
    with pytest.raises(ValueError, match=r"Unknown layer 'conv9'.*0, 3, 6, 9, 11"):
        freeze(model, layers=["conv9"])
    with pytest.raises(ValueError, match="Unknown layer"):
        parameter_groups(model, {"head": 1e-3})
    with pytest.raises(ValueError, match="no parameters"):
        freeze(model, up_to="1")
    with pytest.raises(ValueError, match="either"):
        freeze(model, layers=["0"], up_to="3")


def test_extract_features_equals_the_base_in_eval_mode():
    torch.manual_seed(0)
    model = lenet5(nn=torch.nn)
    base = model[:9]  # up to the flattened 120 features
    X = np.random.default_rng(0).standard_normal((10, 1, 32, 32)).astype(np.float32)
    features = extract_features(base, X, batch_size=3)
    with torch.no_grad():
        expected = base(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(features, expected, rtol=1e-6, atol=1e-6)
    assert base.training  # the mode is restored
    with pytest.raises(ValueError, match="batch_size"):
        extract_features(base, X, batch_size=0)
