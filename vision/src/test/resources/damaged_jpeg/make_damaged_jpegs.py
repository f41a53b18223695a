#!/usr/bin/python3
"""Builds the damaged-JPEG fixtures of the vision module: what PIL 9.4 (torchvision's loader) does with JPEGs whose
entropy-coded data ends early, is cut off, or carries stray markers and flipped bytes.

Run from anywhere with Debian's interpreter (its PIL uses the system libjpeg-turbo, as the native path does):
    /usr/bin/python3 vision/src/test/resources/damaged_jpeg/make_damaged_jpegs.py
It rewrites the .jpg files and cases.txt in its own folder: a few intact JPEGs (baseline 4:2:0, progressive, gray,
4:4:4), damaged copies of them, and cases.txt, one line per file:
    <file> accept <PIL mode> <width> <height> <sha256 of Image.open(file).convert('RGB').tobytes()> <how it was made>
    <file> refuse <PIL's exception, spaces as _> <how it was made>
PIL runs with its defaults (ImageFile.LOAD_TRUNCATED_IMAGES = False). The Java tests read the files and cases.txt
and never run Python. (The folder is outside parity/, whose files the decode tests expect to load.)
"""
import hashlib
import io
import os
import sys

import numpy as np
from PIL import Image, ImageFile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import fixture_scene  # noqa: E402  (vision/src/test/resources/fixture_scene.py)
OUT = HERE


def scene(w, h, seed):
    """A small photo-like RGB image: gradients, discs, texture and noise, so that the scan is a few KiB."""
    return fixture_scene.scene(w, h, seed, waves=(4.0, 7.0), discs=5, min_radius=4, noise=10)


def encode(im, **kw):
    buf = io.BytesIO()
    im.save(buf, 'JPEG', **kw)
    return buf.getvalue()


def scan_start(data):
    """Offset of the first byte of entropy-coded data: just after the first SOS segment."""
    i = 2
    while i < len(data):
        assert data[i] == 0xFF, 'marker expected at %d' % i
        marker = data[i + 1]
        length = (data[i + 2] << 8) | data[i + 3]
        if marker == 0xDA:
            return i + 2 + length
        i += 2 + length
    raise ValueError('no SOS')


def pil_verdict(data):
    """('accept', mode, w, h, sha256) or ('refuse', message), as torchvision's pil_loader sees the bytes."""
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    try:
        with Image.open(io.BytesIO(data)) as im:
            mode = im.mode
            rgb = im.convert('RGB')
            return ('accept', mode, rgb.width, rgb.height, hashlib.sha256(rgb.tobytes()).hexdigest())
    except Exception as e:  # PIL raises OSError, SyntaxError, ValueError ... for damaged files
        return ('refuse', ('%s:%s' % (type(e).__name__, e)).replace(' ', '_'))


def damaged(name, data):
    """The damaged copies of one intact JPEG: (file name, bytes, description)."""
    out = []
    sos = scan_start(data)
    end = len(data) - 2   # the EOI marker
    scan = end - sos
    assert data[end:] == b'\xff\xd9'
    # The entropy-coded data stops early but an end marker follows: libjpeg warns "premature end of data segment"
    # and fills the missing blocks; PIL loads these.
    for pct in (10, 50, 90):
        cut = sos + scan * pct // 100
        out.append(('%s_eoi_after_%d_percent.jpg' % (name, pct), data[:cut] + b'\xff\xd9',
                    'scan cut at %d%% and an EOI marker appended' % pct))
    # Cut off with no end marker at all.
    for pct in (0, 30, 70, 99):
        cut = sos + scan * pct // 100
        out.append(('%s_cut_at_%d_percent.jpg' % (name, pct), data[:cut], 'scan cut at %d%%, no EOI' % pct))
    out.append(('%s_cut_in_header.jpg' % name, data[:sos // 2], 'cut in the header'))
    out.append(('%s_no_eoi.jpg' % name, data[:end], 'all scan data, the EOI marker dropped'))
    out.append(('%s_half_eoi.jpg' % name, data[:end + 1], 'all scan data, only the FF of the EOI marker'))
    out.append(('%s_trailing_bytes.jpg' % name, data + b'\x00\x11\x22garbage', 'intact, bytes after EOI'))
    # Stray markers written over the scan data at various distances from its end.
    for back in (300, 40):
        if back < scan - 4:
            at = end - back
            out.append(('%s_dht_%d_before_end.jpg' % (name, back), data[:at] + b'\xff\xc4' + data[at + 2:],
                        'FF C4 written %d bytes before the end' % back))
    for marker, tag in ((0xC4, 'dht'), (0xD9, 'eoi'), (0xDA, 'sos'), (0xD3, 'rst3'), (0xE1, 'app1'), (0xC0, 'sof0')):
        at = sos + scan // 3
        out.append(('%s_%s_at_third.jpg' % (name, tag), data[:at] + bytes([0xFF, marker]) + data[at + 2:],
                    'FF %02X written a third into the scan' % marker))
    # Flipped bytes in the scan data.
    rng = np.random.RandomState(len(data))
    for k in range(6):
        at = sos + int(rng.randint(0, scan))
        flipped = bytearray(data)
        flipped[at] ^= int(rng.randint(1, 256))
        out.append(('%s_flip_%d.jpg' % (name, k), bytes(flipped), 'byte %d xor-ed' % at))
    return out


def main():
    for old in os.listdir(OUT):
        if old.endswith('.jpg') or old == 'cases.txt':
            os.remove(os.path.join(OUT, old))
    rgb = Image.fromarray(scene(160, 120, 7))
    intact = {
        'base': encode(rgb, quality=85),
        'prog': encode(rgb, quality=85, progressive=True),
        'gray': encode(rgb.convert('L'), quality=85),
        'q444': encode(Image.fromarray(scene(72, 56, 8)), quality=80, subsampling=0),
    }
    lines = []
    for name, data in intact.items():
        files = [(name + '.jpg', data, 'intact')] + damaged(name, data)
        for file, blob, how in files:
            with open(os.path.join(OUT, file), 'wb') as f:
                f.write(blob)
            verdict = pil_verdict(blob)
            lines.append('%s %s %s' % (file, ' '.join(str(v) for v in verdict), how.replace(' ', '_')))
    with open(os.path.join(OUT, 'cases.txt'), 'w') as f:
        f.write('# written by make_damaged_jpegs.py with PIL %s; see its docstring for the format\n'
                % Image.__version__)
        f.write('\n'.join(lines) + '\n')
    accepted = sum(1 for l in lines if ' accept ' in l)
    print('%d files, %d accepted by PIL, %d refused' % (len(lines), accepted, len(lines) - accepted), file=sys.stderr)


if __name__ == '__main__':
    main()
