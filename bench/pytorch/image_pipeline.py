#!/usr/bin/python3
"""PyTorch side of `dataloader4j bench --pipeline image-train,image-eval --compare-pytorch`.

Loads an ImageFolder (torchvision.datasets.ImageFolder, PIL decoding) through the standard transforms with
torch.utils.data.DataLoader(batch_size, shuffle=True, num_workers=w) (setup "default") or the same with
persistent_workers=True (setup "persistent"; see bench_common.py), measuring per epoch the images per
second and the time from creating the iterator to the first batch, and the peak resident memory of this
(main) process while the loader runs (the Java side samples the PSS of this process and its workers):

  train: RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(), Normalize(ImageNet mean, std)
  eval:  Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet mean, std)

Three ways to run it; every line it prints is one JSON object (the same protocol and fields as
tensor_pipeline.py):

  image_pipeline.py --data DIR --transform train --batch-size 64 --workers 0,2 --epochs 2
      lists the folder, runs each worker count, prints {"event": "ready", ...} then one
      {"event": "result", ...} per worker count.
  image_pipeline.py --serve --data DIR --transform train --batch-size 64
      lists the folder, prints the "ready" line, then reads commands from stdin, one a line:
      "run WORKERS EPOCHS [default|persistent]" answers with one "result" line; "quit" (or end of input) exits.
  image_pipeline.py --first-batch --data DIR --transform train --batch-size 64 --workers 2
      lists the folder, prints the "ready" line, reads one first batch at each worker count with the default
      setup and prints it as {"event": "first-batch", ...}, then exits (`bench --fresh-first-batch`).

When torch or torchvision cannot be imported it prints {"event": "error", "message": ...} and exits with 3.
Run it with /usr/bin/python3 (Debian's python3-torch and python3-torchvision).
"""

import argparse
import sys
import time

from bench_common import add_mode_arguments, emit, emit_ready, run_or_serve

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def make_transform(transforms, which):
    if which == "train":
        stages = [transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()]
    else:
        stages = [transforms.Resize(256), transforms.CenterCrop(224)]
    return transforms.Compose(stages + [transforms.ToTensor(), transforms.Normalize(MEAN, STD)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/bench-imagenet")
    parser.add_argument("--transform", choices=["train", "eval"], default="train")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", default="0,2")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    add_mode_arguments(parser)
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
    emit_ready(torch, start, args.batch_size,
               torchvision=torchvision.__version__,
               pil=PIL.__version__,
               samples=len(dataset),
               classes=len(dataset.classes),
               transform=repr(dataset.transform).replace("\n", " "))

    run_or_serve(dataset, torch, args)


if __name__ == "__main__":
    main()
