"""L-BFGS written out (the algorithm as taught), and scipy's as scikit-learn runs it.

:func:`minimize_lbfgs` keeps the last few steps ``s_i`` and gradient changes ``y_i``,
turns them into a quasi-Newton direction by the two-loop recursion
(:func:`_two_loop_direction`) and walks along it with a line search that stops at a step
satisfying the strong Wolfe conditions (:func:`_wolfe_line_search`).
:func:`_minimize_like_sklearn` is what :class:`~glassbox.learn.linear_model.LogisticRegression`
fits with: scipy's L-BFGS-B with scikit-learn's options, so that both stop at the same
point; the two are tested to reach the same minimum.
"""

from collections import deque

import numpy as np

__all__ = ["minimize_lbfgs"]


def _two_loop_direction(gradient, steps, gradient_changes):
    """Quasi-Newton direction ``-H g`` from the last m pairs ``(s_i, y_i)``.

    L-BFGS never forms the inverse Hessian approximation ``H``; the two-loop recursion
    applies it to ``g`` using the stored steps ``s_i = w_{i+1} - w_i`` and gradient
    changes ``y_i = g_{i+1} - g_i`` (Nocedal & Wright, Algorithm 7.4). The initial matrix
    is ``gamma I`` with ``gamma = s·y / y·y`` from the newest pair, an estimate of the
    inverse curvature along the last step.
    """
    q = gradient.copy()
    rhos = [1.0 / (y @ s) for s, y in zip(steps, gradient_changes)]
    alphas = []
    for s, y, rho in zip(reversed(steps), reversed(gradient_changes), reversed(rhos)):
        alpha = rho * (s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if steps:
        gamma = (steps[-1] @ gradient_changes[-1]) / (gradient_changes[-1] @ gradient_changes[-1])
    else:
        gamma = 1.0
    r = gamma * q
    for s, y, rho, alpha in zip(steps, gradient_changes, rhos, reversed(alphas)):
        beta = rho * (y @ r)
        r += (alpha - beta) * s
    return -r


def _cubic_minimizer(a, f_a, slope_a, b, f_b, slope_b):
    """Minimiser of the cubic matching f and f' at a and b (Nocedal & Wright, eq. 3.59).

    Returns None when the cubic has no minimiser (the caller then bisects).
    """
    if a == b:
        return None
    d1 = slope_a + slope_b - 3.0 * (f_a - f_b) / (a - b)
    discriminant = d1 * d1 - slope_a * slope_b
    if discriminant < 0:
        return None
    d2 = np.copysign(np.sqrt(discriminant), b - a)
    denominator = slope_b - slope_a + 2.0 * d2
    if denominator == 0:
        return None
    return b - (b - a) * (slope_b + d2 - d1) / denominator


def _wolfe_line_search(
    loss_gradient, w, f0, g0, direction, step, c1=1e-4, c2=0.9, max_evaluations=50
):
    """Find a step length t with the strong Wolfe conditions along ``direction``.

    Sufficient decrease: ``f(w + t d) <= f(w) + c1 t g·d``; curvature:
    ``|g(w + t d)·d| <= c2 |g·d|``. The step grows until it brackets such a point, then
    the bracket shrinks by cubic interpolation (Nocedal & Wright, Algorithms 3.5 and 3.6).
    Returns ``(t, f, g)``, or ``(None, f0, g0)`` when no such step was found.
    """
    slope0 = g0 @ direction  # negative for a descent direction
    evaluations = 0

    def evaluate(t):
        nonlocal evaluations
        evaluations += 1
        f, g = loss_gradient(w + t * direction)
        return f, g, g @ direction

    def zoom(low, high):
        # low/high are (t, f, g, slope); low satisfies sufficient decrease, and the
        # minimiser we look for lies between them
        while evaluations < max_evaluations:
            t_low, f_low, _, slope_low = low
            t_high, f_high, _, slope_high = high
            t = _cubic_minimizer(t_low, f_low, slope_low, t_high, f_high, slope_high)
            width = abs(t_high - t_low)
            # safeguard: stay clearly inside the bracket, else bisect
            if t is None or not min(t_low, t_high) + 0.1 * width <= t <= max(
                t_low, t_high
            ) - 0.1 * width:
                t = 0.5 * (t_low + t_high)
            f, g, slope = evaluate(t)
            if f > f0 + c1 * t * slope0 or f >= f_low:
                high = (t, f, g, slope)
            else:
                if abs(slope) <= -c2 * slope0:
                    return t, f, g
                if slope * (t_high - t_low) >= 0:
                    high = low
                low = (t, f, g, slope)
        t_low, f_low, g_low, _ = low
        if t_low > 0 and f_low < f0:  # out of evaluations: keep the best decrease found
            return t_low, f_low, g_low
        return None, f0, g0

    previous = (0.0, f0, g0, slope0)
    while evaluations < max_evaluations:
        f, g, slope = evaluate(step)
        current = (step, f, g, slope)
        if f > f0 + c1 * step * slope0 or (previous[0] > 0 and f >= previous[1]):
            return zoom(previous, current)
        if abs(slope) <= -c2 * slope0:
            return step, f, g
        if slope >= 0:
            return zoom(current, previous)
        previous = current
        step *= 2.0  # still descending: try further
    return None, f0, g0


def _minimize_like_sklearn(loss_gradient, w0, *, max_iter, tol):
    """scipy's L-BFGS-B with scikit-learn's options; return ``(w, n_iter, converged)``.

    scikit-learn stops where scipy's projected gradient is below ``gtol = tol`` or the
    relative decrease below ``ftol = 64 eps``, after a line search of at most 50 steps.
    """
    from scipy import optimize

    result = optimize.minimize(
        loss_gradient, w0, method="L-BFGS-B", jac=True,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                 "ftol": 64 * np.finfo(float).eps},
    )  # fmt: skip
    return result.x, min(result.nit, max_iter), result.status == 0


def minimize_lbfgs(loss_gradient, w0, *, max_iter, gtol, history_size=10):
    """Minimise a smooth function with L-BFGS; return ``(w, n_iter, converged)``.

    Stops when ``max |gradient| <= gtol`` (scipy's ``gtol``), when an iteration lowers the
    loss by less than ``64 eps`` relative to its size (the ``ftol`` scikit-learn passes),
    when even a steepest-descent step cannot lower the loss (it is flat at floating-point
    precision: the same situation as the ``ftol`` stop), or after ``max_iter`` iterations.

    Examples
    --------
    The quadratic ``(w - 3)^2`` summed over two coordinates:

    >>> def loss_gradient(w):
    ...     return float(((w - 3.0) ** 2).sum()), 2.0 * (w - 3.0)
    >>> w, n_iter, converged = minimize_lbfgs(loss_gradient, np.zeros(2), max_iter=50,
    ...                                       gtol=1e-8)
    >>> np.round(w, 6), converged
    (array([3., 3.]), True)
    """
    relative_tolerance = 64 * np.finfo(float).eps
    w = w0.copy()
    f, g = loss_gradient(w)
    steps = deque(maxlen=history_size)  # s_i = w_{i+1} - w_i
    gradient_changes = deque(maxlen=history_size)  # y_i = g_{i+1} - g_i
    for n_iter in range(max_iter):
        if np.max(np.abs(g)) <= gtol:
            return w, n_iter, True
        direction = _two_loop_direction(g, steps, gradient_changes)
        # the first direction is -g, of arbitrary scale: start with a unit-length step
        first_step = 1.0 if steps else min(1.0, 1.0 / np.linalg.norm(g))
        step, f_new, g_new = _wolfe_line_search(loss_gradient, w, f, g, direction, first_step)
        if step is None:
            if not steps:  # even steepest descent cannot lower the loss any more
                return w, n_iter, True
            # a stale curvature history can give a poor direction: restart from -g
            steps.clear()
            gradient_changes.clear()
            continue
        s = step * direction
        y = g_new - g
        # keep the pair only if it carries positive curvature (keeps H positive definite)
        if s @ y > np.finfo(float).eps * (y @ y):
            steps.append(s)
            gradient_changes.append(y)
        w = w + s
        decrease = f - f_new
        f, g = f_new, g_new
        if decrease <= relative_tolerance * max(abs(f), abs(f + decrease), 1.0):
            return w, n_iter + 1, True
    return w, max_iter, bool(np.max(np.abs(g)) <= gtol)
