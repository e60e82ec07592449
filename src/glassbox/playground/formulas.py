"""What a click on a neuron or a weight shows: its value, its gradient in the last step,
and the forward and backward formulas it takes part in, with the current numbers.

Notation (the course's): layer ``l`` has activations ``a⁽ˡ⁾`` (``a⁽⁰⁾`` are the input
features), pre-activations ``z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾`` and ``a⁽ˡ⁾ = g(z⁽ˡ⁾)``; the
error signal ``δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾`` flows backwards, ``δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ g′(z⁽ˡ⁾)``,
and each parameter's gradient is ``∂L/∂W⁽ˡ⁾ᵢⱼ = δ⁽ˡ⁾ᵢ a⁽ˡ⁻¹⁾ⱼ``, ``∂L/∂b⁽ˡ⁾ᵢ = δ⁽ˡ⁾ᵢ``,
averaged over the mini-batch. Gradients are those of the last mini-batch step
(regularisation included), read from the parameters' ``.grad``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glassbox.playground.settings import FEATURES

if TYPE_CHECKING:
    from glassbox.playground.session import Session

__all__ = ["inspect"]

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_ACTIVATION = {"relu": ("max(0, z)", "g′(z) = 1 if z > 0, else 0"),
               "tanh": ("tanh(z)", "g′(z) = 1 − tanh²(z)"),
               "sigmoid": ("σ(z) = 1 / (1 + e⁻ᶻ)", "g′(z) = σ(z) (1 − σ(z))"),
               "linear": ("z", "g′(z) = 1")}


def _up(number: int) -> str:
    return f"⁽{str(number).translate(_SUPERSCRIPT)}⁾"


def _down(number: int) -> str:
    return str(number).translate(_SUBSCRIPT)


def _number(value: float) -> str:
    return f"{value:.4g}".replace("-", "−")


def _checked_indices(target: object, key: str, count: int) -> list[int]:
    if not isinstance(target, dict) or not isinstance(target.get(key), list) \
            or len(target[key]) != count \
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in target[key]):
        raise ValueError(f"inspect: expected {{{key!r}: a list of {count} integers}}, "
                         f"received {target!r}.")
    return target[key]


def inspect(session: Session, target: dict) -> dict:
    """Describe ``{"node": [layer, i]}`` or ``{"weight": [layer, i, j]}``.

    Node layers count from 0 (the features) to the output; weight ``[l, i, j]`` is
    ``W⁽ˡ⁺¹⁾ᵢⱼ``, from neuron ``j`` of node layer ``l`` to neuron ``i`` of layer ``l + 1``.
    Returns ``{"type": "inspect", "title": ..., "lines": [[label, text], ...]}``.

    Examples
    --------
    >>> from glassbox.playground.session import Session
    >>> info = inspect(Session(), {"weight": [0, 1, 0]})
    >>> info["title"]
    'Weight W⁽¹⁾₂₁ (x₁ → neuron 2 of hidden layer 1)'
    """
    if isinstance(target, dict) and "weight" in target:
        layer, i, j = _checked_indices(target, "weight", 3)
        return _weight(session, layer, i, j)
    layer, i = _checked_indices(target, "node", 2)
    return _node(session, layer, i)


def _layer_name(session: Session, layer: int) -> str:
    if layer == 0:
        return "inputs"
    if layer == len(session.settings.hidden) + 1:
        return "output"
    return f"hidden layer {layer}"


def _node_name(session: Session, layer: int, i: int) -> str:
    if layer == 0:
        return FEATURES[session.settings.features[i]]
    return f"neuron {i + 1} of {_layer_name(session, layer)}"


def _node(session: Session, layer: int, i: int) -> dict:
    s = session.settings
    sizes = [len(s.features), *s.hidden, session.n_outputs]
    if not 0 <= layer < len(sizes) or not 0 <= i < sizes[layer]:
        raise ValueError(f"inspect: no neuron {i} in layer {layer}; the layers have "
                         f"{sizes} neurons.")
    if layer == 0:
        name = s.features[i]
        return {"type": "inspect", "title": f"Input feature {FEATURES[name]}",
                "lines": [["value", f"{FEATURES[name]} computed from the point (x₁, x₂)"],
                          ["forward", f"a⁽⁰⁾{_down(i + 1)} = {FEATURES[name]}"],
                          ["backward", "inputs are data: they have no gradient"]]}
    linear = session.linears[layer - 1]
    weights = linear.weight.numpy()[i]
    bias = float(linear.bias.numpy()[i])
    terms = " ".join(f"{'+' if w >= 0 else '−'} {abs(w):.3g}·a{_up(layer - 1)}{_down(j + 1)}"
                     for j, w in enumerate(weights)).lstrip("+ ")
    sub, up = _down(i + 1), _up(layer)
    lines = [["bias", f"b{up}{sub} = {_number(bias)}"],
             ["forward", f"z{up}{sub} = Σⱼ W{up}{sub}ⱼ a{_up(layer - 1)}ⱼ + b{up}{sub} = "
                         f"{terms} {'+' if bias >= 0 else '−'} {abs(bias):.3g}"]]
    output = layer == len(sizes) - 1
    if not output:
        activation, derivative = _ACTIVATION[s.activation]
        lines.append(["activation", f"a{up}{sub} = g(z{up}{sub}) = {activation}"])
        lines.append(["backward", f"δ{up}{sub} = ∂L/∂z{up}{sub} = (Σₖ W{_up(layer + 1)}ₖ"
                                  f"{sub} δ{_up(layer + 1)}ₖ) · g′(z{up}{sub}),  {derivative}"])
    elif session.kind == "binary":
        lines += [["output", f"p = σ(z{up}₁), the probability of class 1"],
                  ["loss", "L = −[y log p + (1 − y) log(1 − p)]  (binary cross-entropy)"],
                  ["backward", f"δ{up}₁ = ∂L/∂z = p − y"]]
    elif session.kind == "multiclass":
        lines += [["output", f"pᵢ = softmax(z{up})ᵢ = e^zᵢ / Σₖ e^zₖ, class {i}'s probability"],
                  ["loss", "L = −log p_y  (cross-entropy)"],
                  ["backward", f"δ{up}{sub} = ∂L/∂z{sub} = p{sub} − [y = {i}]"]]
    else:
        lines += [["output", f"ŷ = z{up}₁"], ["loss", "L = (ŷ − y)²  (squared error)"],
                  ["backward", f"δ{up}₁ = ∂L/∂ŷ = 2 (ŷ − y)"]]
    grad = linear.bias.grad
    lines.append(["gradient", f"∂L/∂b{up}{sub} = mean over the batch of δ{up}{sub} = "
                              f"{_number(float(grad.numpy()[i]))}" if grad is not None
                              else "no training step yet"])
    lines.append(["update", _update_rule(session, f"b{up}{sub}")])
    return {"type": "inspect", "title": f"Neuron {i + 1} of {_layer_name(session, layer)}",
            "lines": lines}


def _weight(session: Session, layer: int, i: int, j: int) -> dict:
    linears = session.linears
    if not 0 <= layer < len(linears) or not 0 <= i < linears[layer].out_features \
            or not 0 <= j < linears[layer].in_features:
        raise ValueError(f"inspect: no weight [{layer}, {i}, {j}]; the weight matrices have "
                         f"shapes {[tuple(lin.weight.shape) for lin in linears]}.")
    weight = linears[layer].weight
    value = float(weight.numpy()[i, j])
    up, ij = _up(layer + 1), f"{_down(i + 1)}{_down(j + 1)}"
    source, below = _node_name(session, layer, j), _up(layer)
    lines = [["value", f"W{up}{ij} = {_number(value)}"],
             ["forward", f"adds W{up}{ij} · a{below}{_down(j + 1)} to z{up}{_down(i + 1)}"],
             ["backward", f"∂L/∂W{up}{ij} = mean over the batch of δ{up}{_down(i + 1)} · "
                          f"a{below}{_down(j + 1)}"]]
    s = session.settings
    if s.regularization == "L1" and s.reg_rate > 0:
        lines.append(["regularization", f"+ λ sign(W{up}{ij}), λ = {s.reg_rate:g}  "
                                        f"(penalty λ Σ|w|)"])
    elif s.regularization == "L2" and s.reg_rate > 0:
        lines.append(["regularization", f"+ λ W{up}{ij}, λ = {s.reg_rate:g}  "
                                        f"(penalty λ Σ w² / 2)"])
    grad = weight.grad
    lines.append(["gradient", f"∂L/∂W{up}{ij} = {_number(float(grad.numpy()[i, j]))} "
                              f"(last step)" if grad is not None else "no training step yet"])
    lines.append(["update", _update_rule(session, f"W{up}{ij}")])
    return {"type": "inspect",
            "title": f"Weight W{up}{ij} ({source} → {_node_name(session, layer + 1, i)})",
            "lines": lines}


def _update_rule(session: Session, name: str) -> str:
    s = session.settings
    lr = f"η = {s.learning_rate:g}"
    if s.optimizer == "sgd":
        return f"{name} ← {name} − η ∂L/∂{name},  {lr}  (SGD)"
    if s.optimizer == "momentum":
        return f"v ← 0.9 v + ∂L/∂{name};  {name} ← {name} − η v,  {lr}  (momentum)"
    return (f"m ← 0.9 m + 0.1 g;  v ← 0.999 v + 0.001 g²;  {name} ← {name} − η m̂ / "
            f"(√v̂ + 10⁻⁸),  {lr}  (Adam, g = ∂L/∂{name})")
