#!/usr/bin/python3
"""Builds the parity fixtures of the vision module with PIL and torchvision.

Run from anywhere with Debian's interpreter (the one that has torchvision):
    /usr/bin/python3 vision/src/test/resources/parity/make_fixtures.py
It rewrites decode/, pngcrc/, webp/, transforms/ and folder_tree.txt next to this script. The Java tests read those
files and never run Python. Formats:
  * expected pixels are .npy files (uint8 HWC or float32 CHW), little endian, C order;
  * decode/cases.txt:     <file> <PIL mode after open> <expected .npy>  (expected = PIL open + convert("RGB"))
  * pngcrc/cases.txt:     PNGs with one wrong chunk CRC: <file> accept <expected .npy>, or
                          <file> refuse <chunk> <expected CRC> <found CRC> where PIL refuses to open it
  * webp/cases.txt:       <file> accept <PIL mode> <frames> <expected .npy>, or <file> refuse
  * transforms/cases.txt: <name> <input image> <transform> key=value ... (expected = transforms/<name>.npy)
  * folder_tree.txt:      'dir', 'file', 'link' lines build a tree; 'class' and 'sample' lines are what
                          torchvision.datasets.ImageFolder found in it.
"""
import io
import os
import shutil
import struct
import sys
import tempfile
import zlib

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.transforms import InterpolationMode as IM

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import fixture_scene  # noqa: E402  (vision/src/test/resources/fixture_scene.py)


def scene(w, h, seed):
    """A small 'photo-like' RGB image: smooth gradients, a few discs, fine texture and noise."""
    return fixture_scene.scene(w, h, seed, waves=(3.0, 5.0), discs=3, min_radius=2, noise=12)


def png_raw(path, arr, bit_depth, color_type):
    """Writes a PNG by hand (PIL cannot write 16-bit RGB or 4-bit gray)."""
    h, w = arr.shape[:2]
    rows = []
    for r in range(h):
        if bit_depth == 16:
            row = arr[r].astype('>u2').tobytes()
        elif bit_depth == 4:
            v = arr[r].astype(np.uint8)
            if len(v) % 2:
                v = np.append(v, 0).astype(np.uint8)
            row = bytes((v[0::2] << 4) | v[1::2])
        else:
            row = arr[r].tobytes()
        rows.append(b'\x00' + row)
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n')
        f.write(chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, bit_depth, color_type, 0, 0, 0)))
        f.write(chunk(b'IDAT', zlib.compress(b''.join(rows))))
        f.write(chunk(b'IEND', b''))


def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(arr), allow_pickle=False)


def reset(d):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)


# ---------------------------------------------------------------------------------------------- decoding
def make_decode():
    d = os.path.join(HERE, 'decode')
    reset(d)
    w, h = 23, 17
    rgb = scene(w, h, 1)
    im = Image.fromarray(rgb)
    alpha = np.linspace(0, 255, w * h).reshape(h, w).astype(np.uint8)
    gray = np.array(im.convert('L'))
    files = {}
    im.save(os.path.join(d, 'baseline.jpg'), quality=90)
    im.save(os.path.join(d, 'progressive.jpg'), quality=90, progressive=True)
    im.save(os.path.join(d, 'q75_444.jpg'), quality=75, subsampling=0)
    im.convert('L').save(os.path.join(d, 'gray.jpg'), quality=90)
    im.convert('CMYK').save(os.path.join(d, 'cmyk.jpg'), quality=95)
    im.save(os.path.join(d, 'rgb.png'))
    Image.fromarray(np.dstack([rgb, alpha])).save(os.path.join(d, 'rgba.png'))
    im.convert('L').save(os.path.join(d, 'gray.png'))
    Image.fromarray(np.dstack([gray, alpha]), 'LA').save(os.path.join(d, 'la.png'))
    im.convert('P', palette=Image.ADAPTIVE, colors=16).save(os.path.join(d, 'palette.png'))
    p = im.convert('P', palette=Image.ADAPTIVE, colors=8)
    p.save(os.path.join(d, 'palette_trns.png'), transparency=3)
    im.convert('1').save(os.path.join(d, 'bilevel.png'))
    png_raw(os.path.join(d, 'gray16.png'), (gray.astype(np.uint16) * 3) // 2, 16, 0)   # values up to ~382
    png_raw(os.path.join(d, 'rgb16.png'), rgb.astype(np.uint16) * 257 + 91, 16, 2)
    png_raw(os.path.join(d, 'gray4.png'), gray >> 4, 4, 0)
    im.save(os.path.join(d, 'rgb.bmp'))
    im.convert('P', palette=Image.ADAPTIVE, colors=16).save(os.path.join(d, 'palette.bmp'))
    im.save(os.path.join(d, 'rgb.tif'))
    im.save(os.path.join(d, 'lzw.tiff'), compression='tiff_lzw')
    im.convert('L').save(os.path.join(d, 'gray.tif'))
    im.save(os.path.join(d, 'lossless.webp'), lossless=True)
    im.save(os.path.join(d, 'lossy.webp'), quality=90)
    im.save(os.path.join(d, 'rgb.ppm'))
    im.convert('L').save(os.path.join(d, 'gray.pgm'))
    # PNM with other maxvals, written by hand
    with open(os.path.join(d, 'maxval1000.ppm'), 'wb') as f:
        f.write(b'P6\n# a comment\n%d %d\n1000\n' % (w, h))
        f.write((rgb.astype(np.uint32) * 1000 // 255).astype('>u2').tobytes())
    with open(os.path.join(d, 'maxval15.pgm'), 'wb') as f:
        f.write(b'P5 %d %d 15\n' % (w, h))
        f.write((gray >> 4).astype(np.uint8).tobytes())
    with open(os.path.join(d, 'maxval65535.pgm'), 'wb') as f:
        f.write(b'P5 %d %d 65535\n' % (w, h))
        f.write((gray.astype(np.uint16) * 3).astype('>u2').tobytes())
    lines = []
    for name in sorted(os.listdir(d)):
        if name.endswith('.npy') or name.endswith('.txt'):
            continue
        opened = Image.open(os.path.join(d, name))
        mode = opened.mode
        out = np.array(opened.convert('RGB'))
        stem = name.replace('.', '_')
        save_npy(os.path.join(d, stem + '.npy'), out)
        lines.append(f'{name} {mode} {stem}.npy')
    with open(os.path.join(d, 'cases.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


# ---------------------------------------------------------------------------------------------- PNG chunk CRCs
def png_chunks(data):
    """The chunks of a PNG as [type, data, crc bytes] lists."""
    out, i = [], 8
    while i < len(data):
        n = struct.unpack('>I', data[i:i + 4])[0]
        out.append([data[i + 4:i + 8], data[i + 8:i + 8 + n], data[i + 8 + n:i + 12 + n]])
        i += 12 + n
    return out


def png_join(chunks):
    return b'\x89PNG\r\n\x1a\n' + b''.join(struct.pack('>I', len(d)) + t + d + c for t, d, c in chunks)


def png_crc(kind, data):
    return struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def make_png_crc():
    """PNGs with one wrong chunk CRC each, and what PIL does with them.

    pngcrc/cases.txt: '<file> accept <expected .npy>' (PIL open + convert("RGB")) or
    '<file> refuse <chunk> <expected crc> <found crc>' (PIL raised; the CRCs as 0x%08X, expected = computed).
    """
    d = os.path.join(HERE, 'pngcrc')
    reset(d)
    rgb = Image.fromarray(scene(11, 7, 12))
    buf = io.BytesIO()
    rgb.save(buf, 'PNG')
    plain = png_chunks(buf.getvalue())
    buf = io.BytesIO()
    rgb.convert('P', palette=Image.ADAPTIVE, colors=8).save(buf, 'PNG', transparency=2)
    palette = png_chunks(buf.getvalue())

    def index(chunks, kind, nth=0):
        return [i for i, c in enumerate(chunks) if c[0] == kind][nth]

    def with_chunk(chunks, at, kind, data):
        return chunks[:at] + [[kind, data, png_crc(kind, data)]] + chunks[at:]

    def split_idat(chunks):
        i = index(chunks, b'IDAT')
        data = chunks[i][1]
        parts = [data[:len(data) // 2], data[len(data) // 2:]]
        return chunks[:i] + [[b'IDAT', p, png_crc(b'IDAT', p)] for p in parts] + chunks[i + 1:]

    text = b'Comment\x00written by make_fixtures.py'
    variants = [   # name, chunks, index of the chunk whose CRC is flipped
        ('ihdr', plain, 0),
        ('plte', palette, index(palette, b'PLTE')),
        ('trns', palette, index(palette, b'tRNS')),
        ('gama_before_idat', with_chunk(plain, 1, b'gAMA', struct.pack('>I', 45455)), 1),
        ('text_before_idat', with_chunk(plain, 1, b'tEXt', text), 1),
        ('private_before_idat', with_chunk(plain, 1, b'prIv', b'abc'), 1),
        ('idat', plain, index(plain, b'IDAT')),
        ('second_idat', split_idat(plain), index(split_idat(plain), b'IDAT', 1)),
        ('text_after_idat', with_chunk(plain, index(plain, b'IEND'), b'tEXt', text), index(plain, b'IEND')),
        ('private_after_idat', with_chunk(plain, index(plain, b'IEND'), b'prIv', b'abc'), index(plain, b'IEND')),
        ('iend', plain, index(plain, b'IEND')),
    ]
    lines = []
    for name, chunks, bad in variants:
        chunks = [list(c) for c in chunks]
        good = chunks[bad][2]
        chunks[bad][2] = bytes([good[0] ^ 0xA5]) + good[1:]
        file = name + '.png'
        with open(os.path.join(d, file), 'wb') as f:
            f.write(png_join(chunks))
        try:
            out = np.array(Image.open(os.path.join(d, file)).convert('RGB'))
        except (OSError, SyntaxError) as e:
            print(f'{file}: PIL refuses it ({e})', file=sys.stderr)
            lines.append(f'{file} refuse {chunks[bad][0].decode()} 0x{struct.unpack(">I", good)[0]:08X}'
                         f' 0x{struct.unpack(">I", chunks[bad][2])[0]:08X}')
            continue
        save_npy(os.path.join(d, name + '.npy'), out)
        lines.append(f'{file} accept {name}.npy')
    with open(os.path.join(d, 'cases.txt'), 'w') as f:
        f.write('# generated by make_fixtures.py with PIL ' + Image.__version__ + '\n')
        f.write('\n'.join(lines) + '\n')


# ---------------------------------------------------------------------------------------------- WebP
def riff_chunks(data):
    """The chunks of a RIFF/WEBP file as (fourcc, payload) pairs."""
    out, i = [], 12
    while i + 8 <= len(data):
        n = struct.unpack('<I', data[i + 4:i + 8])[0]
        out.append((data[i:i + 4], data[i + 8:i + 8 + n]))
        i += 8 + n + (n & 1)
    return out


def riff_join(chunks):
    body = b'WEBP' + b''.join(k + struct.pack('<I', len(v)) + v + (b'\0' if len(v) & 1 else b'') for k, v in chunks)
    return b'RIFF' + struct.pack('<I', len(body)) + body


def webp_bytes(img, **kw):
    buf = io.BytesIO()
    img.save(buf, 'WEBP', **kw)
    return buf.getvalue()


def u24(v):
    return struct.pack('<I', v)[:3]


def make_webp():
    """WebP files decoded by PIL 9.4 (through libwebp's WebPAnimDecoder, as every WebP file is).

    webp/cases.txt: '<file> accept <PIL mode> <frames> <expected .npy>' (PIL open + convert("RGB"), first frame), or
    '<file> refuse' where PIL cannot open or load it.
    """
    d = os.path.join(HERE, 'webp')
    reset(d)
    files = {}
    odd = Image.fromarray(scene(37, 29, 13))
    alpha = np.linspace(0, 255, 37 * 29).reshape(29, 37).astype(np.uint8)
    alpha[:5, :9] = 0                      # fully transparent corner: the lossy encoder may change its colours
    rgba = Image.fromarray(np.dstack([scene(37, 29, 13), alpha]))
    files['lossy_q90.webp'] = webp_bytes(odd, quality=90)
    files['lossy_q20.webp'] = webp_bytes(odd, quality=20)
    files['lossy_big.webp'] = webp_bytes(Image.fromarray(scene(131, 97, 14)), quality=80)
    files['lossless.webp'] = webp_bytes(odd, lossless=True)
    files['lossy_alpha.webp'] = webp_bytes(rgba, quality=70)
    files['lossless_alpha.webp'] = webp_bytes(rgba, lossless=True)
    files['gray_lossy.webp'] = webp_bytes(odd.convert('L'), quality=85)
    # animations: PIL's own, and one written by hand whose first frame covers only part of the canvas
    frames = [Image.fromarray(scene(24, 18, 20 + i)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, 'WEBP', save_all=True, append_images=frames[1:], duration=100, loop=0, quality=80)
    files['animated.webp'] = buf.getvalue()
    small = riff_chunks(webp_bytes(Image.fromarray(scene(10, 8, 30)), lossless=True))[0]
    full = riff_chunks(webp_bytes(Image.fromarray(scene(20, 16, 31)), lossless=True))[0]
    assert small[0] == b'VP8L' and full[0] == b'VP8L'

    def anmf(x, y, w, h, chunk):
        payload = u24(x // 2) + u24(y // 2) + u24(w - 1) + u24(h - 1) + u24(80) + b'\x00'
        return b'ANMF', payload + chunk[0] + struct.pack('<I', len(chunk[1])) + chunk[1] + (b'\0' if len(chunk[1]) & 1 else b'')
    vp8x = b'VP8X', bytes([0x02, 0, 0, 0]) + u24(20 - 1) + u24(16 - 1)   # animation, no alpha flag
    files['animated_offset.webp'] = riff_join([vp8x, (b'ANIM', struct.pack('<IH', 0xFF2040FF, 0)),
                                               anmf(4, 6, 10, 8, small), anmf(0, 0, 20, 16, full)])
    vp8x_alpha = b'VP8X', bytes([0x12, 0, 0, 0]) + u24(20 - 1) + u24(16 - 1)   # animation and alpha flags
    files['animated_offset_alpha.webp'] = riff_join([vp8x_alpha, (b'ANIM', struct.pack('<IH', 0xFF2040FF, 0)),
                                                     anmf(2, 0, 10, 8, small), anmf(0, 0, 20, 16, full)])
    # damaged files: what PIL accepts is decoded to its pixels, what it refuses is refused
    lossy = bytearray(files['lossy_q90.webp'])
    for i in range(len(lossy) // 2, len(lossy) // 2 + 40):
        lossy[i] ^= 0x5A
    files['lossy_scrambled.webp'] = bytes(lossy)
    lossless = bytearray(files['lossless.webp'])
    for i in range(len(lossless) // 2, len(lossless) // 2 + 40):
        lossless[i] ^= 0x5A
    files['lossless_scrambled.webp'] = bytes(lossless)
    bad_tag = bytearray(files['lossy_q90.webp'])
    start = bytes(bad_tag).index(b'\x9d\x01\x2a')
    bad_tag[start] ^= 0xFF                 # the VP8 start code
    files['lossy_bad_start_code.webp'] = bytes(bad_tag)
    inter = bytearray(files['lossy_q90.webp'])
    inter[start - 3] |= 1                  # the frame tag's key-frame bit: 1 is an inter frame
    files['lossy_not_key_frame.webp'] = bytes(inter)
    files['trailing_data.webp'] = files['lossy_q90.webp'] + b'\x00' * 16
    cut = files['lossy_q90.webp'][:len(files['lossy_q90.webp']) * 3 // 4]
    files['cut_riff_fixed.webp'] = b'RIFF' + struct.pack('<I', len(cut) - 8) + cut[8:]   # cut data, RIFF size agrees
    lines = []
    for name, data in files.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
        try:
            im = Image.open(os.path.join(d, name))
            mode, frames_n = im.mode, getattr(im, 'n_frames', 1)
            out = np.array(im.convert('RGB'))
        except (OSError, SyntaxError, ValueError) as e:
            print(f'{name}: PIL refuses it ({e})', file=sys.stderr)
            lines.append(f'{name} refuse')
            continue
        stem = name.replace('.', '_')
        save_npy(os.path.join(d, stem + '.npy'), out)
        lines.append(f'{name} accept {mode} {frames_n} {stem}.npy')
    with open(os.path.join(d, 'cases.txt'), 'w') as f:
        f.write('# generated by make_fixtures.py with PIL ' + Image.__version__ + ' (libwebp '
                + str(__import__('PIL.features', fromlist=['version']).version('webp')) + ')\n')
        f.write('\n'.join(lines) + '\n')


# ---------------------------------------------------------------------------------------------- transforms
def make_transforms():
    d = os.path.join(HERE, 'transforms')
    reset(d)
    inputs = {
        'a.png': Image.fromarray(scene(37, 29, 2)),
        'b.png': Image.fromarray(scene(64, 48, 3)),
        'c.png': Image.fromarray(scene(20, 50, 4)),
        'g.png': Image.fromarray(scene(31, 22, 5)).convert('L'),
        's.png': Image.fromarray(scene(13, 11, 7)),
        'r.png': Image.fromarray(np.dstack([scene(26, 19, 6),
                                            np.linspace(0, 255, 26 * 19).reshape(19, 26).astype(np.uint8)])),
        # tiny images for padding: one pixel, one column, one row (gray), and 3x2 for numpy's rounds of reflection
        'p.png': Image.fromarray(scene(1, 1, 8)),
        'v.png': Image.fromarray(scene(1, 6, 9)),
        'h.png': Image.fromarray(scene(7, 1, 10)).convert('L'),
        'n.png': Image.fromarray(scene(3, 2, 11)),
    }
    for name, img in inputs.items():
        img.save(os.path.join(d, name))
    cases = []

    def case(name, inp, spec, fn):
        out = fn(inputs[inp])
        if isinstance(out, torch.Tensor):
            arr = out.numpy().astype(np.float32)
        else:
            arr = np.array(out)
        save_npy(os.path.join(d, name + '.npy'), arr)
        cases.append(f'{name} {inp} {spec}')

    B, N, C = IM.BILINEAR, IM.NEAREST, IM.BICUBIC
    for inp, size in [('a.png', 20), ('a.png', 9), ('b.png', 16), ('b.png', 47), ('c.png', 7), ('s.png', 25),
                      ('g.png', 13), ('r.png', 11), ('a.png', 29)]:
        case(f'resize_bilinear_{inp[0]}_{size}', inp, f'Resize size={size} interpolation=bilinear',
             lambda im, s=size: F.resize(im, s, B))
    for inp, hw in [('a.png', (13, 31)), ('b.png', (100, 7)), ('c.png', (50, 21))]:
        case(f'resize_bilinear_{inp[0]}_{hw[0]}x{hw[1]}', inp, f'Resize size={hw[0]},{hw[1]} interpolation=bilinear',
             lambda im, s=hw: F.resize(im, list(s), B))
    for inp, size in [('a.png', 20), ('s.png', 30), ('c.png', 9), ('g.png', 40)]:
        case(f'resize_nearest_{inp[0]}_{size}', inp, f'Resize size={size} interpolation=nearest',
             lambda im, s=size: F.resize(im, s, N))
    for inp, size in [('a.png', 20), ('s.png', 24), ('c.png', 9)]:
        case(f'resize_bicubic_{inp[0]}_{size}', inp, f'Resize size={size} interpolation=bicubic',
             lambda im, s=size: F.resize(im, s, C))
    for inp, hw in [('a.png', (20, 20)), ('a.png', (10, 15)), ('a.png', (40, 30)), ('b.png', (47, 64)),
                    ('c.png', (21, 21)), ('c.png', (51, 19)), ('g.png', (5, 6))]:
        case(f'centercrop_{inp[0]}_{hw[0]}x{hw[1]}', inp, f'CenterCrop size={hw[0]},{hw[1]}',
             lambda im, s=hw: F.center_crop(im, list(s)))
    for inp, (top, left, h, w, size) in [('a.png', (3, 5, 20, 25, (16, 16))), ('b.png', (0, 0, 48, 64, (24, 24))),
                                         ('b.png', (10, 7, 11, 13, (20, 30))), ('c.png', (12, 3, 30, 15, (9, 7)))]:
        case(f'resizedcrop_{inp[0]}_{top}_{left}_{h}_{w}', inp,
             f'ResizedCrop top={top} left={left} height={h} width={w} size={size[0]},{size[1]} interpolation=bilinear',
             lambda im, a=(top, left, h, w, size): F.resized_crop(im, a[0], a[1], a[2], a[3], list(a[4]), B))
    for inp, (top, left, h, w) in [('a.png', (4, 2, 10, 12)), ('b.png', (-3, 50, 20, 20))]:
        case(f'crop_{inp[0]}_{top}_{left}_{h}_{w}', inp, f'Crop top={top} left={left} height={h} width={w}',
             lambda im, a=(top, left, h, w): F.crop(im, *a))
    case('hflip_a', 'a.png', 'HorizontalFlip', F.hflip)
    case('vflip_a', 'a.png', 'VerticalFlip', F.vflip)
    case('hflip_r', 'r.png', 'HorizontalFlip', F.hflip)
    case('totensor_s', 's.png', 'ToTensor', F.to_tensor)
    case('totensor_g', 'g.png', 'ToTensor', F.to_tensor)
    case('totensor_r', 'r.png', 'ToTensor', F.to_tensor)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    case('normalize_s', 's.png', 'ToTensorNormalize mean=0.485,0.456,0.406 std=0.229,0.224,0.225',
         lambda im: F.normalize(F.to_tensor(im), mean, std))
    case('eval_pipeline_b', 'b.png',
         'EvalPipeline resize=20 crop=16 mean=0.485,0.456,0.406 std=0.229,0.224,0.225',
         lambda im: T.Compose([T.Resize(20), T.CenterCrop(16), T.ToTensor(), T.Normalize(mean, std)])(im))
    for inp, pad, mode in [('a.png', (3,), 'constant'), ('a.png', (2, 5), 'edge'), ('a.png', (1, 2, 3, 4), 'reflect'),
                           ('a.png', (4, 3, 2, 1), 'symmetric'), ('g.png', (3, 0, 5, 2), 'reflect'),
                           ('a.png', (5, 2, 0, 7), 'constant'), ('c.png', (25, 3, 0, 1), 'symmetric')]:
        fill = '10,20,30' if mode == 'constant' and len(pad) == 4 else '0'
        fillv = (10, 20, 30) if fill != '0' else 0
        case(f'pad_{inp[0]}_{mode}_{"_".join(map(str, pad))}', inp,
             f'Pad padding={",".join(map(str, pad))} mode={mode} fill={fill}',
             lambda im, p=pad, m=mode, f=fillv: F.pad(im, list(p), fill=f, padding_mode=m))
    # padding of images with a side of 1 pixel and paddings wider than the image: np.pad repeats a single pixel
    # in reflect/symmetric mode and builds wide reflections in rounds (not periodically); negative sides crop
    for inp, pad in [('p.png', (3,)), ('v.png', (2, 5)), ('v.png', (4, 1, 6, 9)), ('h.png', (9, 1)),
                     ('h.png', (-2, 3, -1, 4)), ('v.png', (3, -2, 1, -1)), ('n.png', (1, 8, 8, 1)),
                     ('n.png', (7, 5, 2, 11))]:
        for mode in ['reflect', 'symmetric', 'edge', 'constant']:
            case(f'pad_{inp[0]}_{mode}_{"_".join(map(str, pad))}', inp,
                 f'Pad padding={",".join(map(str, pad))} mode={mode} fill=7',
                 lambda im, p=pad, m=mode: F.pad(im, list(p), fill=7, padding_mode=m))
    # constant padding is PIL's ImageOps.expand: the image pasted at (left, top) into the fill, even out of sight
    for inp, pad in [('v.png', (0, -6, 0, 2)), ('h.png', (-8, 1, 10, 0))]:
        case(f'pad_{inp[0]}_constant_{"_".join(map(str, pad))}', inp,
             f'Pad padding={",".join(map(str, pad))} mode=constant fill=7',
             lambda im, p=pad: F.pad(im, list(p), fill=7, padding_mode='constant'))
    case('grayscale1_a', 'a.png', 'Grayscale channels=1', lambda im: F.rgb_to_grayscale(im, 1))
    case('grayscale3_a', 'a.png', 'Grayscale channels=3', lambda im: F.rgb_to_grayscale(im, 3))
    for f in [0.0, 0.5, 1.3]:
        case(f'brightness_a_{f}', 'a.png', f'Brightness factor={f}', lambda im, f=f: F.adjust_brightness(im, f))
        case(f'contrast_a_{f}', 'a.png', f'Contrast factor={f}', lambda im, f=f: F.adjust_contrast(im, f))
        case(f'saturation_a_{f}', 'a.png', f'Saturation factor={f}', lambda im, f=f: F.adjust_saturation(im, f))
    for f in [-0.5, -0.2, 0.0, 0.13, 0.5]:
        case(f'hue_a_{f}', 'a.png', f'Hue factor={f}', lambda im, f=f: F.adjust_hue(im, f))
    # colour adjustments on RGBA (alpha kept or, for hue, PIL's round trip through HSV) and on gray
    case('brightness_r_0.5', 'r.png', 'Brightness factor=0.5', lambda im: F.adjust_brightness(im, 0.5))
    case('contrast_r_1.7', 'r.png', 'Contrast factor=1.7', lambda im: F.adjust_contrast(im, 1.7))
    case('saturation_r_0.3', 'r.png', 'Saturation factor=0.3', lambda im: F.adjust_saturation(im, 0.3))
    case('hue_r_0.2', 'r.png', 'Hue factor=0.2', lambda im: F.adjust_hue(im, 0.2))
    case('contrast_g_0.6', 'g.png', 'Contrast factor=0.6', lambda im: F.adjust_contrast(im, 0.6))
    case('saturation_g_1.5', 'g.png', 'Saturation factor=1.5', lambda im: F.adjust_saturation(im, 1.5))
    case('hue_g_0.3', 'g.png', 'Hue factor=0.3', lambda im: F.adjust_hue(im, 0.3))

    # ColorJitter with explicit order and factors: torchvision's forward with get_params fixed
    def jitter(im, order, b, c, s, h):
        fixed = (torch.tensor(order), b, c, s, h)
        t = T.ColorJitter(brightness=0.5, contrast=0.5, saturation=0.5, hue=0.4)
        t.get_params = lambda *args: fixed
        return t(im)
    for inp, order, factors in [('b.png', (3, 1, 0, 2), (1.2, 0.7, 1.4, -0.1)), ('a.png', (0, 1, 2, 3), (0.8, 1.3, 0.6, 0.25)),
                                ('s.png', (2, 3, 1, 0), (1.0, 1.0, 0.0, 0.05))]:
        case(f'colorjitter_{inp[0]}_{"".join(map(str, order))}', inp,
             f'ColorJitter order={",".join(map(str, order))} factors={",".join(map(str, factors))}',
             lambda im, o=order, fs=factors: jitter(im, o, *fs))

    # RandomCrop with explicit offsets: torchvision's forward (padding, pad_if_needed) with get_params fixed
    def random_crop(im, size, top, left, **kw):
        t = T.RandomCrop(size, **kw)

        def fixed(img, output_size):
            w, h = img.size
            assert 0 <= top <= h - output_size[0] and 0 <= left <= w - output_size[1], 'offsets outside the range'
            return top, left, output_size[0], output_size[1]
        t.get_params = fixed
        return t(im)
    for inp, size, top, left, padding, pad_if_needed, fill, mode in [
            ('a.png', (20, 25), 3, 7, None, False, 0, 'constant'),
            ('a.png', (29, 37), 0, 0, None, False, 0, 'constant'),
            ('a.png', (30, 30), 2, 5, 4, False, 0, 'constant'),
            ('b.png', (40, 40), 6, 1, (2, 3), False, (10, 20, 30), 'constant'),
            ('c.png', (60, 30), 4, 9, None, True, 7, 'constant'),
            ('c.png', (52, 24), 1, 0, (1, 2, 3, 4), True, 0, 'reflect'),
            ('g.png', (30, 40), 4, 3, 2, True, 0, 'edge'),
            ('s.png', (16, 20), 0, 4, None, True, 0, 'symmetric'),
            ('p.png', (4, 4), 1, 1, 2, False, 0, 'reflect'),
            ('p.png', (5, 3), 0, 0, None, True, 0, 'reflect'),
            ('p.png', (4, 4), 1, 0, (2, 1), True, 0, 'symmetric'),
            ('v.png', (5, 7), 1, 3, None, True, 0, 'reflect'),
            ('v.png', (9, 4), 1, 2, (1, 0, 0, 2), True, 0, 'symmetric'),
            ('h.png', (6, 9), 3, 0, 1, True, 0, 'reflect'),
            ('h.png', (3, 20), 1, 2, None, True, 0, 'edge'),
            ('n.png', (17, 2), 5, 1, (0, 3), True, 0, 'reflect')]:
        pad_s = 'none' if padding is None else ','.join(map(str, padding if isinstance(padding, tuple) else (padding,)))
        fill_s = ','.join(map(str, fill)) if isinstance(fill, tuple) else str(fill)
        case(f'randomcrop_{inp[0]}_{size[0]}x{size[1]}_{top}_{left}_{mode}', inp,
             f'RandomCrop size={size[0]},{size[1]} top={top} left={left} padding={pad_s} pad_if_needed={pad_if_needed}'
             f' fill={fill_s} padding_mode={mode}',
             lambda im, a=(size, top, left, padding, pad_if_needed, fill, mode): random_crop(
                 im, a[0], a[1], a[2], padding=a[3], pad_if_needed=a[4], fill=a[5], padding_mode=a[6]))

    # rotation by explicit angles (PIL's rotate through torchvision's F.rotate)
    for inp, angle, interp, expand, center, fill in [
            ('a.png', 30.0, 'nearest', False, None, 0), ('a.png', -45.0, 'bilinear', False, None, 0),
            ('a.png', 17.3, 'bilinear', True, None, (10, 20, 30)), ('b.png', 90.0, 'nearest', False, None, 0),
            ('b.png', 90.0, 'nearest', True, None, 0), ('b.png', 180.0, 'bilinear', False, None, 0),
            ('b.png', 270.0, 'bilinear', True, None, 0), ('c.png', 123.4, 'nearest', True, None, 5),
            ('c.png', -10.0, 'bilinear', False, (3, 40), 0), ('g.png', 60.0, 'bilinear', True, None, 9),
            ('g.png', 200.0, 'nearest', False, (0, 0), 0), ('s.png', 0.0, 'nearest', False, None, 0),
            ('s.png', 0.0, 'bilinear', False, (2, 3), 0), ('s.png', 180.0, 'nearest', False, (5, 5), 0),
            ('s.png', 45.0, 'nearest', True, None, (1, 2, 3)), ('r.png', 33.0, 'nearest', False, None, 0),
            ('a.png', 370.0, 'bilinear', False, None, 0), ('a.png', 90.0, 'bilinear', False, (10, 4), 0),
            ('r.png', -25.0, 'bilinear', True, None, 0)]:
        mode = IM.NEAREST if interp == 'nearest' else IM.BILINEAR
        center_s = 'none' if center is None else f'{center[0]},{center[1]}'
        fill_s = ','.join(map(str, fill)) if isinstance(fill, tuple) else str(fill)
        case(f'rotate_{inp[0]}_{angle}_{interp}_{"expand" if expand else "same"}_{center_s.replace(",", "_")}', inp,
             f'Rotate angle={angle} interpolation={interp} expand={expand} center={center_s} fill={fill_s}',
             lambda im, a=(angle, mode, expand, center, fill): F.rotate(
                 im, a[0], a[1], a[2], None if a[3] is None else list(a[3]),
                 list(a[4]) if isinstance(a[4], tuple) else a[4]))

    # Resize with max_size
    for inp, size, max_size in [('b.png', 20, 24), ('c.png', 10, 21), ('b.png', 20, 30), ('s.png', 11, 12)]:
        case(f'resize_max_{inp[0]}_{size}_{max_size}', inp, f'Resize size={size} interpolation=bilinear max_size={max_size}',
             lambda im, s=size, m=max_size: F.resize(im, s, B, max_size=m))
    with open(os.path.join(d, 'cases.txt'), 'w') as f:
        f.write('\n'.join(cases) + '\n')

    # what torchvision refuses: each line is a case as above without an expected output, after a comment with the
    # error torchvision raised (the Java side must refuse it too, with an IllegalArgumentException)
    refusals = []

    def refuse(name, inp, spec, fn):
        try:
            fn(inputs[inp])
        except ValueError as e:
            refusals.append(f'# torchvision: ValueError: {e}')
            refusals.append(f'{name} {inp} {spec}')
            return
        raise AssertionError(f'{name}: torchvision accepted it')
    for inp, pad, mode in [('h.png', (-8, 0, 0, 0), 'reflect'), ('v.png', (-1, 0, 0, 0), 'edge'),
                           ('v.png', (0, -6, 0, 2), 'symmetric'), ('v.png', (0, -6, 0, 0), 'reflect'),
                           ('v.png', (-3, 2, -4, 2), 'edge'), ('h.png', (-5, 1, -3, 1), 'constant'),
                           ('p.png', (0, -2, 0, 0), 'constant')]:
        refuse(f'pad_{inp[0]}_{mode}_{"_".join(map(str, pad))}', inp,
               f'Pad padding={",".join(map(str, pad))} mode={mode} fill=0',
               lambda im, p=pad, m=mode: F.pad(im, list(p), fill=0, padding_mode=m))
    refuse('pad_h_constant_fill3', 'h.png', 'Pad padding=1 mode=constant fill=10,20,30',
           lambda im: F.pad(im, [1], fill=(10, 20, 30), padding_mode='constant'))
    refuse('pad_r_constant_fill3', 'r.png', 'Pad padding=2 mode=constant fill=10,20,30',
           lambda im: F.pad(im, [2], fill=(10, 20, 30), padding_mode='constant'))
    refuse('randomcrop_p_4x4', 'p.png', 'RandomCrop size=4,4 top=0 left=0 padding=1 pad_if_needed=False fill=0'
           ' padding_mode=reflect', lambda im: T.RandomCrop(4, padding=1, padding_mode='reflect')(im))
    refuse('randomcrop_v_3x2', 'v.png', 'RandomCrop size=3,2 top=0 left=0 padding=none pad_if_needed=False fill=0'
           ' padding_mode=edge', lambda im: T.RandomCrop((3, 2), padding_mode='edge')(im))
    with open(os.path.join(d, 'refusals.txt'), 'w') as f:
        f.write('# generated by make_fixtures.py with torchvision ' + torchvision.__version__ + '\n')
        f.write('\n'.join(refusals) + '\n')


# ---------------------------------------------------------------------------------------------- ImageFolder
TREE = [
    ('dir', 'root/10_z'), ('file', 'root/10_z/a.JPG'), ('file', 'root/10_z/b.txt'),
    ('dir', 'root/2_a'), ('file', 'root/2_a/x.png'), ('file', 'root/2_a/.hidden.png'),
    ('dir', 'root/2_a/sub'), ('file', 'root/2_a/sub/y.PnG'), ('dir', 'root/2_a/sub-b'), ('file', 'root/2_a/sub-b/z.bmp'),
    ('dir', 'root/2_a/sub/deeper'), ('file', 'root/2_a/sub/deeper/w.tiff'), ('file', 'root/2_a/A.jpeg'),
    ('file', 'root/2_a/B.webp'), ('file', 'root/2_a/noext'), ('file', 'root/2_a/c.tif'), ('file', 'root/2_a/d.Ppm'),
    ('file', 'root/2_a/e.pgm'), ('file', 'root/2_a/f.gif'), ('file', 'root/2_a/g.jpg.bak'),
    ('dir', 'root/Cat'), ('file', 'root/Cat/1.jpg'), ('file', 'root/Cat/10.jpg'), ('file', 'root/Cat/2.jpg'),
    ('file', 'root/Cat/_u.jpg'), ('file', 'root/Cat/Z.jpg'), ('file', 'root/Cat/a.jpg'), ('file', 'root/Cat/é.jpg'),
    ('dir', 'root/bird'), ('dir', 'root/bird/nest'), ('file', 'root/bird/nest/egg.jpeg'),
    ('dir', 'root/.hidden_class'), ('file', 'root/.hidden_class/h.png'),
    ('file', 'root/stray.jpg'),
    ('dir', 'elsewhere/shared'), ('file', 'elsewhere/shared/s1.png'), ('file', 'elsewhere/shared/s2.jpg'),
    ('dir', 'elsewhere/dogs'), ('file', 'elsewhere/dogs/rex.jpg'),
    ('link', 'root/bird/linked', '../../elsewhere/shared'),
    ('link', 'root/bird/zlink.png', '../../elsewhere/shared/s1.png'),
    ('link', 'root/dog', '../elsewhere/dogs'),
]


def make_folder():
    tmp = tempfile.mkdtemp()
    try:
        for entry in TREE:
            p = os.path.join(tmp, entry[1])
            if entry[0] == 'dir':
                os.makedirs(p, exist_ok=True)
            elif entry[0] == 'file':
                open(p, 'wb').close()
            else:
                os.symlink(entry[2], p)
        root = os.path.join(tmp, 'root')
        ds = torchvision.datasets.ImageFolder(root, loader=lambda p: p)
        lines = ['# generated by make_fixtures.py with torchvision ' + torchvision.__version__]
        for entry in TREE:
            lines.append(' '.join(entry))
        for c in ds.classes:
            lines.append(f'class {c} {ds.class_to_idx[c]}')
        for path, target in ds.samples:
            lines.append(f'sample {target} {os.path.relpath(path, root)}')
        png = torchvision.datasets.DatasetFolder(root, loader=lambda p: p, extensions=('.png',), allow_empty=True) \
            if 'allow_empty' in torchvision.datasets.DatasetFolder.__init__.__code__.co_varnames else None
        with open(os.path.join(HERE, 'folder_tree.txt'), 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'PIL', Image.__version__, file=sys.stderr)
    make_decode()
    make_png_crc()
    make_webp()
    make_transforms()
    make_folder()
