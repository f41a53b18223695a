"""The synthetic photo-like image that the vision module's fixture scripts (parity/make_fixtures.py and
damaged_jpeg/make_damaged_jpegs.py) encode: smooth gradients, a sine texture, a few discs of random colour and
Gaussian noise, all drawn from numpy's RandomState(seed), so that each fixture is reproducible."""
import numpy as np


def scene(w, h, seed, waves, discs, min_radius, noise):
    """A w x h uint8 RGB image. The blue channel is a sine of x / waves[0] + y / waves[1]; each of the `discs` discs
    has a radius drawn from [min_radius, max(min_radius + 1, min(w, h) / 3)); `noise` is the noise's standard
    deviation."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    img[..., 0] = 255 * (x / max(w - 1, 1))
    img[..., 1] = 255 * (y / max(h - 1, 1))
    img[..., 2] = 128 + 100 * np.sin(x / waves[0] + y / waves[1])
    for _ in range(discs):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(min_radius, max(min_radius + 1, min(w, h) / 3))
        color = rng.uniform(0, 255, 3)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        img[mask] = 0.3 * img[mask] + 0.7 * color
    img += rng.normal(0, noise, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)
