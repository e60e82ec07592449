"""The idx parser: round trip of every idx dtype, strict header checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from glassbox.data.idx import IDX_DTYPES, parse_idx

CODES = {dtype.newbyteorder("=").name: code for code, dtype in IDX_DTYPES.items()}


def to_idx(array: np.ndarray) -> bytes:
    """Write ``array`` as an idx file (reference writer: header, then big-endian data)."""
    code = CODES[array.dtype.name]
    header = bytes([0, 0, code, array.ndim])
    header += b"".join(size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@given(arrays(st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32,
                               np.float64]),
              array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)))
def test_round_trip_every_dtype(array):
    parsed = parse_idx(to_idx(array))
    assert parsed.dtype == array.dtype and parsed.dtype.isnative
    np.testing.assert_array_equal(parsed, array)


def test_header_errors_say_what_was_expected():
    data = to_idx(np.zeros((2, 3), np.uint8))
    with pytest.raises(ValueError, match=r"two zero bytes, received 1f8b"):
        parse_idx(b"\x1f\x8b\x08\x00" + data, "x.gz")
    with pytest.raises(ValueError, match=r"truncated header: expected 12 bytes"):
        parse_idx(data[:10], "x")
    with pytest.raises(ValueError, match=r"expected size 4 on axis 1"):
        parse_idx(data, "x", expected_shape=(2, 4))
    with pytest.raises(ValueError, match=r"x: expected an idx file of 3 dimension"):
        parse_idx(data, "x", expected_ndim=3)
