"""Learning-rate schedules: lower the step size as training converges.

The course: "in general the first step to reach the minimum is the bigger among all the
steps ... while learning we have to decrease the learning rate". A scheduler rewrites
``group["lr"]`` of its optimizer each time ``scheduler.step()`` is called (once per
epoch, after the optimizer's steps). Like torch, the schedules are computed
*recursively* from the current learning rate (so that they compose with other changes of
the learning rate); ``step(epoch)`` uses the closed form instead.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Callable
from typing import Any

from glassbox.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "ExponentialLR", "CosineAnnealingLR"]

_EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available."
)


def _checked(optimizer: Any) -> Optimizer:
    """``optimizer`` itself, or a TypeError if it is not one."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
    return optimizer


class LRScheduler:
    """Base class of the learning-rate schedulers (the twin of torch's ``LRScheduler``).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups[i]["lr"]`` the scheduler sets.
    last_epoch : int, default=-1
        Index of the last epoch; -1 starts a new schedule (and records each group's
        ``initial_lr``).

    Attributes
    ----------
    base_lrs : list of float
        The initial learning rate of each group.
    last_epoch : int
        Number of ``step()`` calls so far (0 right after construction).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = _checked(optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{index}] when "
                        "resuming scheduler with last_epoch >= 0. Load the optimizer's state "
                        "dict first, or leave last_epoch=-1 for a fresh run."
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        # Like torch, construction performs the first step: it sets last_epoch to 0.
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates of the next epoch, from the current ones (subclasses)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group, as last set by this scheduler.

        Examples
        --------
        >>> import glassbox as gb
        >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(1))], lr=1.0)
        >>> scheduler = gb.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> scheduler.step(); scheduler.get_last_lr()
        [0.5]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule by one epoch (call it after ``optimizer.step()``).

        Parameters
        ----------
        epoch : int, optional
            Deprecated (as in torch): jump to this epoch using the closed form.
        """
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn(_EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self.last_epoch = epoch
            values = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (torch's layout; JSON-serialisable)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`state_dict` (of glassbox or torch)."""
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    r"""The initial learning rate times a function of the epoch: :math:`\eta_t = \eta_0 f(t)`.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``f(t)`` -> a factor, for every group (or one function per group).
    last_epoch : int, default=-1

    Notes
    -----
    As in torch, :meth:`state_dict` keeps the state of a callable *object* (its
    ``__dict__``) but not a plain function or lambda: give the same function again
    when resuming.

    See Also
    --------
    torch.optim.lr_scheduler.LambdaLR : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(1))], lr=1.0)
    >>> scheduler = gb.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 - t / 4)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(scheduler.get_last_lr()[0])
    ...     scheduler.step()
    >>> lrs
    [1.0, 0.75, 0.5, 0.25, 0.0]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        optimizer = _checked(optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * lmbda(self.last_epoch)
                for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer; of each ``lr_lambda``, its ``__dict__`` if it
        is a callable object, None if it is a function (torch's layout)."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`state_dict` (of glassbox or torch)."""
        state = dict(state_dict)
        lr_lambdas = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, lr_lambdas):
            if saved is not None:
                fn.__dict__.update(saved)


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / \text{step\_size} \rfloor}

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Period of the decay, in epochs.
    gamma : float, default=0.1
        Multiplicative factor.
    last_epoch : int, default=-1

    See Also
    --------
    torch.optim.lr_scheduler.StepLR : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(1))], lr=1.0)
    >>> scheduler = gb.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(scheduler.get_last_lr()[0])
    ...     scheduler.step()
    >>> [round(lr, 4) for lr in lrs]
    [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every epoch: :math:`\eta_t = \eta_0 \gamma^t`.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        Multiplicative factor per epoch.
    last_epoch : int, default=-1

    See Also
    --------
    torch.optim.lr_scheduler.ExponentialLR : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(1))], lr=1.0)
    >>> scheduler = gb.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> scheduler.step(); scheduler.step()
    >>> opt.param_groups[0]["lr"]
    0.25
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        # NOTE: the construction step must not decay (so a resumed scheduler does not
        # run one step ahead of itself).
        if self._is_initial:
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the learning rate along half a cosine, from its initial value to ``eta_min``.

    The closed form (SGDR without restarts) is

    .. math:: \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
              \left(1 + \cos\frac{t \pi}{T_{max}}\right),

    and, like torch, each ``step()`` computes it recursively from the current rate::

        eta_{t} = eta_min + (eta_{t-1} - eta_min) * (1 + cos(pi t / T_max))
                                                  / (1 + cos(pi (t - 1) / T_max))

    which equals the closed form when nothing else changes the rate. After ``T_max``
    epochs the schedule rises again (a full cosine period is ``2 T_max``).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Number of epochs of the descent.
    eta_min : float, default=0.0
        Final learning rate.
    last_epoch : int, default=-1

    See Also
    --------
    torch.optim.lr_scheduler.CosineAnnealingLR : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(1))], lr=1.0)
    >>> scheduler = gb.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
    ...     scheduler.step()
    >>> lrs
    [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:
            # A scheduler created with last_epoch > 0 jumps to the closed form.
            return [eta_min + (base_lr - eta_min) * (1 + math.cos(t * math.pi / T_max)) / 2
                    for base_lr in self.base_lrs]
        if (t - 1 - T_max) % (2 * T_max) == 0:
            # At the bottom of the cosine the recursive ratio is 0/0: restart the climb.
            return [group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
                    for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups)]
        ratio = (1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max))
        return [ratio * (group["lr"] - eta_min) + eta_min
                for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]
