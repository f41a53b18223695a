#!/usr/bin/python3
"""PyTorch side of `dataloader4j bench --pipeline image-train,image-eval --compare-pytorch`.

Loads an ImageFolder (torchvision.datasets.ImageFolder, PIL decoding) through the standard transforms with
torch.utils.data.DataLoader(batch_size, shuffle=True, num_workers=w), measuring per epoch the images per
second and the time from creating the iterator to the first batch, and the peak resident memory of this
(main) process while the loader runs:

  train: RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(), Normalize(ImageNet mean, std)
  eval:  Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet mean, std)

Two ways to run it; every line it prints is one JSON object (the same protocol and fields as
tensor_pipeline.py):

  image_pipeline.py --data DIR --transform train --batch-size 64 --workers 0,2 --epochs 2
      lists the folder, runs each worker count, prints {"event": "ready", ...} then one
      {"event": "result", ...} per worker count.
  image_pipeline.py --serve --data DIR --transform train --batch-size 64
      lists the folder, prints the "ready" line, then reads commands from stdin, one a line:
      "run WORKERS EPOCHS" answers with one "result" line; "quit" (or end of input) exits.

When torch or torchvision cannot be imported it prints {"event": "error", "message": ...} and exits with 3.
Run it with /usr/bin/python3 (Debian's python3-torch and python3-torchvision).
"""

import argparse
import gc
import json
import os
import platform
import re
import resource
import sys
import time

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def status_kib(field):
    with open("/proc/self/status") as f:
        m = re.search(r"^" + field + r":\s+(\d+) kB", f.read(), re.MULTILINE)
    return int(m.group(1)) if m else None


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS. True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def make_transform(transforms, which):
    if which == "train":
        stages = [transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()]
    else:
        stages = [transforms.Resize(256), transforms.CenterCrop(224)]
    return transforms.Compose(stages + [transforms.ToTensor(), transforms.Normalize(MEAN, STD)])


def measure(dataset, torch, batch_size, workers, epochs, seed):
    from torch.utils.data import DataLoader

    torch.manual_seed(seed)
    gc.collect()  # as the Java side collects before each run
    rss_reset = reset_peak_rss()
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers)
    per_epoch = []
    for epoch in range(epochs):
        start = time.perf_counter()
        it = iter(loader)
        first_batch = None
        samples = 0
        batches = 0
        for images, labels in it:
            if first_batch is None:
                first_batch = time.perf_counter() - start
            samples += labels.shape[0]
            batches += 1
        seconds = time.perf_counter() - start
        per_epoch.append({
            "epoch": epoch,
            "samples": samples,
            "batches": batches,
            "seconds": seconds,
            "samplesPerSecond": samples / seconds,
            "firstBatchMillis": first_batch * 1e3,
        })
        del it
    del loader
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "event": "result",
        "workers": workers,
        "epochs": per_epoch,
        "peakRssBytes": status_kib("VmHWM") * 1024,
        "peakRssReset": rss_reset,
        "workerProcessesMaxRssBytes": children,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/bench-imagenet")
    parser.add_argument("--transform", choices=["train", "eval"], default="train")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", default="0,2")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()

    try:
        import torch
        import torchvision
        from torchvision import datasets, transforms
    except Exception as e:  # ImportError, or a broken installation
        emit({"event": "error", "message": "PyTorch and torchvision are not available to %s: %s"
              % (sys.executable, e)})
        sys.exit(3)

    start = time.perf_counter()
    try:
        dataset = datasets.ImageFolder(args.data, transform=make_transform(transforms, args.transform))
    except Exception as e:
        emit({"event": "error", "message": "torchvision's ImageFolder cannot read %s: %s" % (args.data, e)})
        sys.exit(1)
    import PIL
    emit({
        "event": "ready",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pil": PIL.__version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "cpus": os.cpu_count(),
        "samples": len(dataset),
        "classes": len(dataset.classes),
        "transform": repr(dataset.transform).replace("\n", " "),
        "batchSize": args.batch_size,
        "buildSeconds": time.perf_counter() - start,
        "rssBytes": status_kib("VmRSS") * 1024,
    })

    if not args.serve:
        for w in (int(x) for x in args.workers.split(",")):
            emit(measure(dataset, torch, args.batch_size, w, args.epochs, args.seed))
        return

    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        if parts[0] == "run" and len(parts) == 3:
            try:
                emit(measure(dataset, torch, args.batch_size, int(parts[1]), int(parts[2]), args.seed))
            except Exception as e:
                emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})
        else:
            emit({"event": "error", "message": "unknown command: %r (expected 'run WORKERS EPOCHS' or 'quit')"
                  % line.strip()})


if __name__ == "__main__":
    main()
