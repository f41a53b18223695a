#!/usr/bin/python3
"""PyTorch side of `dataloader4j bench --pipeline tensor|npy-mmap --compare-pytorch`.

Builds a TensorDataset of SAMPLES x FEATURES float32 rows with int64 labels (in memory, or with
--npy FEATURES.npy --labels LABELS.npy over those files memory-mapped by numpy) and loads it with
torch.utils.data.DataLoader(batch_size, shuffle=True, num_workers=w), measuring per epoch the
samples per second and the time from creating the iterator to the first batch, and the peak
resident memory of this (main) process while the loader runs.

Three ways to run it; every line it prints is one JSON object:

  tensor_pipeline.py --samples N --features F --batch-size B --workers 0,1,2 --epochs 2
      builds the data, runs each worker count, prints {"event": "ready", ...} then one
      {"event": "result", ...} per worker count.
  tensor_pipeline.py --serve --samples N --features F --batch-size B
      builds the data, prints the "ready" line, then reads commands from stdin, one a line:
      "run WORKERS EPOCHS [SETUP]" answers with one "result" line; "quit" (or end of input) exits.
      SETUP is default, persistent (persistent_workers=True), batched (BatchSampler as sampler,
      batch_size=None) or gather (index_select of shuffled batches on one thread, no loader); see
      bench_common.py.
      The Java side uses this mode so that its own runs and PyTorch's alternate.
  tensor_pipeline.py --first-batch --samples N --features F --batch-size B --workers 2
      builds the data, prints the "ready" line, reads one first batch at each worker count with the default
      setup and prints it as {"event": "first-batch", ...}, then exits (`bench --fresh-first-batch`).

  tensor_pipeline.py --npy FEATURES.npy --labels LABELS.npy [--serve | --workers ...]
      maps the two files with numpy.load(path, mmap_mode='r') (read-only, nothing read until touched),
      wraps them with torch.from_numpy (no copy) in a TensorDataset; --samples and --features are then
      the files' shapes. The Java side's npy-mmap pipeline passes the very files it maps itself.

When torch cannot be imported it prints {"event": "error", "message": ...} and exits with 3.
In memory, the values of the data are not those of the Java side (a different generator); only the
sizes and dtypes are the same, which is all a copy-bound loader's speed depends on. With --npy the
bytes are the Java side's own.
"""

import argparse
import sys
import time

from bench_common import add_mode_arguments, emit, emit_ready, run_or_serve


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--workers", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    add_mode_arguments(parser)
    parser.add_argument("--npy", metavar="FEATURES.npy",
                        help="memory-map this [samples, features] float32 file instead of building data in memory")
    parser.add_argument("--labels", metavar="LABELS.npy", help="with --npy: the [samples] int64 labels file")
    args = parser.parse_args()
    if (args.npy is None) != (args.labels is None):
        parser.error("--npy and --labels go together")

    try:
        import torch
        from torch.utils.data import TensorDataset
    except Exception as e:  # ImportError, or a broken installation
        emit({"event": "error", "message": "PyTorch is not available to %s: %s" % (sys.executable, e)})
        sys.exit(3)

    start = time.perf_counter()
    if args.npy is not None:
        import warnings
        import numpy

        x = numpy.load(args.npy, mmap_mode="r")
        y = numpy.load(args.labels, mmap_mode="r")
        if x.ndim != 2 or x.dtype != numpy.float32 or y.shape != (x.shape[0],) or y.dtype != numpy.int64:
            emit({"event": "error", "message": "expected float32 [N, F] and int64 [N] arrays, got %s %s and %s %s"
                  % (x.dtype, x.shape, y.dtype, y.shape)})
            sys.exit(2)
        with warnings.catch_warnings():
            # torch warns that a read-only array gives a tensor that must not be written; nothing writes to it
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
            features = torch.from_numpy(x)
            labels = torch.from_numpy(y)
        args.samples, args.features = x.shape
        source = "numpy.load(mmap_mode='r') of the same .npy files"
    else:
        generator = torch.Generator().manual_seed(args.seed)
        features = torch.rand(args.samples, args.features, dtype=torch.float32, generator=generator)
        labels = torch.randint(0, 10, (args.samples,), dtype=torch.int64, generator=generator)
        source = "torch.rand in memory, same sizes and dtypes"
    dataset = TensorDataset(features, labels)
    emit_ready(torch, start, args.batch_size, source=source, samples=args.samples, features=args.features)

    run_or_serve(dataset, torch, args)


if __name__ == "__main__":
    main()
