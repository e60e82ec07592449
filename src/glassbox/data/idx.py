"""The idx file format of MNIST, parsed strictly.

An idx file is a tiny header followed by raw big-endian numbers::

    bytes 0-1   zero
    byte  2     dtype code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64)
    byte  3     number of dimensions d
    4*d bytes   each dimension's size, a big-endian uint32
    the rest    prod(sizes) items of that dtype, row-major

MNIST's image files are ``(N, 28, 28)`` uint8 (magic number ``0x00000803``), its label
files ``(N,)`` uint8 (magic ``0x00000801``). The parser checks every field against the
bytes actually present, so a truncated download or a wrong file gives a ``ValueError``
that says which file, what was expected and what was found, never a garbled array.
"""

from __future__ import annotations

import numpy as np

__all__ = ["parse_idx", "IDX_DTYPES"]

# dtype code (byte 2 of the header) -> big-endian NumPy dtype.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def parse_idx(data: bytes, name: str = "<idx data>",
              expected_ndim: int | None = None,
              expected_shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """Parse the bytes of an idx file into an array (a read-only view, no copy).

    Parameters
    ----------
    data : bytes
        The whole (decompressed) file.
    name : str
        The file's name or path, used in error messages.
    expected_ndim : int, optional
        Refuse a file with another number of dimensions (3 for images, 1 for labels).
    expected_shape : tuple of int or None, optional
        Refuse a file whose sizes differ; ``None`` entries accept any size.

    Returns
    -------
    ndarray of shape given by the header
        In native byte order; read-only, since it shares memory with ``data``.

    Raises
    ------
    ValueError
        Bad magic number, unknown dtype code, unexpected dimensions, or a byte count
        that does not match the header (truncated or padded file).

    Examples
    --------
    >>> header = bytes([0, 0, 0x08, 1]) + (3).to_bytes(4, "big")
    >>> parse_idx(header + bytes([7, 8, 9]), "labels")
    array([7, 8, 9], dtype=uint8)
    """
    if len(data) < 4:
        raise ValueError(f"{name}: not an idx file: expected a header of at least 4 bytes, "
                         f"received {len(data)} bytes. The file is truncated or empty; "
                         "delete it and provide a fresh copy.")
    if data[0] != 0 or data[1] != 0:
        raise ValueError(f"{name}: not an idx file: expected the magic number to start with "
                         f"two zero bytes, received {data[:4].hex()}. Is it still gzipped, or "
                         "another kind of file?")
    dtype_code, ndim = data[2], data[3]
    if dtype_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_DTYPES)
        raise ValueError(f"{name}: unknown idx dtype code: expected one of {known}, "
                         f"received 0x{dtype_code:02X}.")
    if expected_ndim is not None and ndim != expected_ndim:
        raise ValueError(f"{name}: expected an idx file of {expected_ndim} dimension(s), "
                         f"received {ndim} (magic number 0x{data[:4].hex()}). Check that the "
                         "images and labels files are not swapped.")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{name}: truncated header: expected {header_size} bytes for "
                         f"{ndim} dimensions, received {len(data)} bytes.")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if expected_shape is not None:
        for axis, (size, wanted) in enumerate(zip(shape, expected_shape)):
            if wanted is not None and size != wanted:
                raise ValueError(f"{name}: expected size {wanted} on axis {axis} "
                                 f"(shape {expected_shape}), received shape {shape}.")
    dtype = IDX_DTYPES[dtype_code]
    expected_bytes = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected_bytes:
        problem = "truncated" if len(data) < expected_bytes else "has trailing bytes"
        raise ValueError(f"{name}: {problem}: the header announces shape {shape} of "
                         f"{dtype.name}, so expected {expected_bytes} bytes, received "
                         f"{len(data)} bytes. Delete the file and provide a fresh copy.")
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    # idx numbers are big-endian; uint8 needs no swap, wider types are converted once.
    return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))
