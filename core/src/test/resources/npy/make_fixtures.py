#!/usr/bin/env python3
"""Writes the small .npy/.npz fixtures that NpyTest and NpzTest read, so the tests never need Python.

Run from this directory with NumPy installed:  python3 make_fixtures.py
Every array derives from base = arange(24).reshape(2, 3, 4); the Java tests recompute the expected values:
  signed ints:   base - 10
  unsigned ints: base, with the last element set to the type's maximum (uint64: 2**63 - 1)
  floats:        base * 0.25 - 3
  bool:          base % 3 == 0
"""
import numpy as np
from numpy.lib import format as npformat

base = np.arange(24).reshape(2, 3, 4)


def values(code):
    kind = np.dtype(code).kind
    if kind == 'b':
        return base % 3 == 0
    if kind == 'i':
        return (base - 10).astype(code)
    if kind == 'u':
        a = base.astype(code)
        a.flat[-1] = 2**63 - 1 if np.dtype(code).itemsize == 8 else np.iinfo(code).max
        return a
    return (base * 0.25 - 3).astype(code)


def save(name, array, version=None, fortran=False):
    if fortran:
        array = np.asfortranarray(array)
    with open(name, 'wb') as f:
        npformat.write_array(f, array, version=version)


for code in ['b1', 'i1', 'u1']:
    save(f'{code}.npy', values('|' + code))
for code in ['i2', 'i4', 'i8', 'u2', 'u4', 'u8', 'f2', 'f4', 'f8']:
    for order, tag in [('<', 'le'), ('>', 'be')]:
        save(f'{code}_{tag}.npy', values(order + code))

# format versions
for v in [(1, 0), (2, 0), (3, 0)]:
    save(f'f4_v{v[0]}.npy', values('<f4'), version=v)

# Fortran order
save('f8_fortran.npy', values('<f8'), fortran=True)
save('i4_be_fortran.npy', values('>i4'), fortran=True)
save('u1_fortran_1d.npy', np.arange(5, dtype='u1'), fortran=True)

# shapes
save('scalar_f8.npy', np.array(2.5))
save('empty_f4.npy', np.zeros((0, 3), dtype='<f4'))
save('vector_i8.npy', np.arange(5, dtype='<i8'))

# uint64 with a value that INT64 cannot hold
big = np.arange(4, dtype='<u8')
big[2] = 2**64 - 1
save('u8_too_big.npy', big)

# float16 specials
save('f2_special.npy', np.array([np.inf, -np.inf, np.nan, 65504.0, 2.0**-24, -0.0], dtype='<f2'))

# np.save's own output, to compare Npy.write against byte for byte
np.save('save_f4_3x4.npy', np.arange(12, dtype='<f4').reshape(3, 4))
np.save('save_i8_5.npy', np.arange(5, dtype='<i8'))

# archives: stored and deflated members
x = (np.arange(12, dtype='<f4').reshape(3, 4) * 0.5)
y = np.arange(5, dtype='<i8')
np.savez('stored.npz', x=x, y=y)
np.savez_compressed('deflated.npz', x=x, y=y)
