"""Which features a tree node examines, drawn exactly as scikit-learn draws them.

scikit-learn visits a node's features in a random order (a Fisher-Yates shuffle driven by
its own small xorshift generator) and stops after ``max_features`` non-constant ones. Even
with ``max_features=None`` the order matters: when two features give equally good splits,
the one visited first wins. Reproducing the generator and the shuffle (a Python loop over
*features*, never over samples) makes our trees identical to scikit-learn's for the same
``random_state``, ties included.
"""

from __future__ import annotations

import numpy as np

# Largest value of scikit-learn's rand_r replacement (2**31 - 1).
RAND_R_MAX = 2147483647
_UINT32 = 0xFFFFFFFF


class SklearnRandom:
    """scikit-learn's ``our_rand_r``: a 32-bit xorshift generator.

    Parameters
    ----------
    seed : int
        The state, drawn by ``random_state.randint(0, RAND_R_MAX)`` as scikit-learn does.
    """

    def __init__(self, seed: int):
        self.state = int(seed) & _UINT32

    def next_uint31(self) -> int:
        state = self.state or 1  # a zero state would stay zero forever
        state ^= (state << 13) & _UINT32
        state ^= state >> 17
        state ^= (state << 5) & _UINT32
        self.state = state
        return state % (RAND_R_MAX + 1)

    def randint(self, low: int, high: int) -> int:
        """Integer in ``[low, high)``."""
        return low + self.next_uint31() % (high - low)

    def uniform(self, low: float, high: float) -> float:
        """Float in ``[low, high)``."""
        return (high - low) * float(self.next_uint31()) / float(RAND_R_MAX) + low


class FeatureSampler:
    """Draws the features a node looks at, remembering which are known to be constant.

    ``features`` is a permutation of all feature indices kept from node to node (as in
    scikit-learn, the order a node leaves behind is where the next node starts). Its
    first ``n_known_constants`` entries are features already found constant in an
    ancestor: they are skipped without looking at the data.
    """

    def __init__(self, n_features: int, random: SklearnRandom):
        self.random = random
        self.features = list(range(n_features))
        self.constant_features = list(range(n_features))

    def draw(self, n_known_constants, max_features, is_constant, on_visit=None):
        """Visit features until ``max_features`` non-constant ones were seen.

        Parameters
        ----------
        n_known_constants : int
            How many features the parent found constant.
        max_features : int
        is_constant : ndarray of shape (n_features,), bool
            Whether each feature is constant in this node.
        on_visit : callable, optional
            Called with each non-constant visited feature, at the moment it is visited
            (the random splitter draws its threshold there, in scikit-learn's order).

        Returns
        -------
        visited : list of int
            The non-constant features visited, in order.
        n_constants : int
            Number of features known constant in this node (passed to its children).
        """
        features = self.features
        # NOTE: the xorshift step of SklearnRandom.next_uint31 is written out in the loop:
        # this loop runs once per feature per node, and a method call per draw was a
        # fifth of the fit time of a 64-feature tree.
        state = self.random.state
        f_i = len(features)
        n_visited = n_found_constants = n_drawn_constants = 0
        n_total_constants = n_known_constants
        visited = []
        # Loop invariant (scikit-learn's): features[:n_drawn_constants] drawn known
        # constants; [n_drawn_constants:n_known_constants] known constants not yet drawn;
        # [n_known_constants:n_total_constants] newly found constants;
        # [n_total_constants:f_i] not yet drawn; [f_i:] drawn and not constant.
        while f_i > n_total_constants and (
            n_visited < max_features or n_visited <= n_found_constants + n_drawn_constants
        ):
            n_visited += 1
            # f_j = randint(n_drawn_constants, f_i - n_found_constants)
            state = state or 1
            state ^= (state << 13) & _UINT32
            state ^= state >> 17
            state ^= (state << 5) & _UINT32
            f_j = n_drawn_constants + (state % (RAND_R_MAX + 1)) % (
                f_i - n_found_constants - n_drawn_constants
            )
            if f_j < n_known_constants:
                features[n_drawn_constants], features[f_j] = (
                    features[f_j],
                    features[n_drawn_constants],
                )
                n_drawn_constants += 1
                continue
            f_j += n_found_constants
            feature = features[f_j]
            if is_constant[feature]:
                features[f_j], features[n_total_constants] = (
                    features[n_total_constants],
                    features[f_j],
                )
                n_found_constants += 1
                n_total_constants += 1
                continue
            f_i -= 1
            features[f_i], features[f_j] = features[f_j], features[f_i]
            visited.append(feature)
            if on_visit is not None:
                self.random.state = state  # the callback draws from the same generator
                on_visit(feature)
                state = self.random.state
        self.random.state = state
        # Keep the known constants in their original order for siblings and children, and
        # record the newly found ones after them.
        features[:n_known_constants] = self.constant_features[:n_known_constants]
        self.constant_features[n_known_constants:n_total_constants] = features[
            n_known_constants:n_total_constants
        ]
        return visited, n_total_constants


def draw_seed(random_state: np.random.RandomState) -> int:
    """The seed scikit-learn's splitter draws from the estimator's ``random_state``."""
    return int(random_state.randint(0, RAND_R_MAX))
