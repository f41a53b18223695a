#!/usr/bin/python3
"""PyTorch side of StageTimings (bench/src/main/java/org/dataloader4j/bench/StageTimings.java): where an image's time
goes in the image-train and image-eval pipelines with PIL and torchvision, stage by stage, on one thread.

  train: RandomResizedCrop(224), RandomHorizontalFlip(p=0.5), ToTensor(), Normalize(ImageNet mean, std)
  eval:  Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet mean, std)

For each image: read the file's bytes; decode them whole (PIL Image.open(...).convert("RGB")); then each transform of
each pipeline alone, on the previous stage's output; the sum of those; torchvision's ImageFolder.__getitem__ with the
Compose (the whole sample, as a DataLoader worker runs it); and default_collate of 64 such samples. Each figure is
the mean wall milliseconds per image over the images, the median of the rounds, after a warm-up pass. Every image's
random draws come from torch.manual_seed(SEED + dataset index), so every round and both paths see the same crops.

  stage_timings.py --data /tmp/bench-imagenet-2000 --images 500 --rounds 3 [--json FILE] [--files LIST] [--quiet]

The images are --images of the ImageFolder's samples spread evenly over its listing (sample k * size // images), or
the files listed one per line in LIST (StageTimings --compare-pytorch passes its own). It prints a table (stage,
ms/image) unless --quiet; --json FILE writes the figures with the same stage keys as the Java side. When torch or
torchvision cannot be imported it says so (and writes {"event": "error", "message": ...} to FILE) and exits with 3.
Run it with /usr/bin/python3 (Debian's python3-torch and python3-torchvision).
"""

import argparse
import io
import json
import os
import statistics
import sys
import time

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
BATCH = 64
SEED = 42

STAGES = [
    ("read", "read the file's bytes"),
    ("decode", "decode the whole image (RGB)"),
    ("train.RandomResizedCrop", "train: RandomResizedCrop(224)"),
    ("train.RandomHorizontalFlip", "train: RandomHorizontalFlip"),
    ("train.ToTensor", "train: ToTensor"),
    ("train.Normalize", "train: Normalize"),
    ("train.unfused", "train: sum of the unfused stages (read..Normalize)"),
    ("train.get", "train: dataset get, the whole sample"),
    ("train.collate", "train: default collate of 64, per image"),
    ("eval.Resize", "eval: Resize(256)"),
    ("eval.CenterCrop", "eval: CenterCrop(224)"),
    ("eval.ToTensor", "eval: ToTensor"),
    ("eval.Normalize", "eval: Normalize"),
    ("eval.unfused", "eval: sum of the unfused stages (read..Normalize)"),
    ("eval.get", "eval: dataset get, the whole sample"),
    ("eval.collate", "eval: default collate of 64, per image"),
]


def write_json(path, obj):
    if path:
        with open(path, "w") as f:
            f.write(json.dumps(obj) + "\n")


def fail(args, status, message):
    sys.stderr.write("stage_timings.py: %s\n" % message)
    write_json(args.json, {"event": "error", "message": message})
    sys.exit(status)


def choose(dataset, args):
    """The dataset indices to measure: the files in --files, or --images spread over the listing."""
    if args.files:
        where = {os.path.abspath(p): i for i, (p, _) in enumerate(dataset.samples)}
        with open(args.files) as f:
            wanted = [line.strip() for line in f if line.strip()]
        missing = [p for p in wanted if os.path.abspath(p) not in where]
        if missing:
            raise ValueError("%d of the files in %s are not samples of torchvision's ImageFolder(%s), for example %s"
                             % (len(missing), args.files, args.data, missing[0]))
        return [where[os.path.abspath(p)] for p in wanted]
    size = len(dataset)
    if size < args.images:
        raise ValueError("%s has %d images, fewer than the %d asked for" % (args.data, size, args.images))
    return [k * size // args.images for k in range(args.images)]


def one_round(torch, transforms, Image, default_collate, indices, paths, train_set, eval_set):
    """One pass over the images; returns {key: total seconds}."""
    train = [transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(p=0.5), transforms.ToTensor(),
             transforms.Normalize(MEAN, STD)]
    evals = [transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
             transforms.Normalize(MEAN, STD)]
    total = {key: 0.0 for key, _ in STAGES}
    clock = time.perf_counter
    for index in indices:
        t0 = clock()
        with open(paths[index], "rb") as f:
            data = f.read()
        t1 = clock()
        image = Image.open(io.BytesIO(data)).convert("RGB")
        t2 = clock()
        total["read"] += t1 - t0
        total["decode"] += t2 - t1
        for name, stages in (("train", train), ("eval", evals)):
            torch.manual_seed(SEED + index)
            x = image
            for stage in stages:
                t = clock()
                x = stage(x)
                total["%s.%s" % (name, type(stage).__name__)] += clock() - t
    for name, dataset in (("train", train_set), ("eval", eval_set)):
        batch = []
        for k, index in enumerate(indices):
            torch.manual_seed(SEED + index)
            t = clock()
            sample = dataset[index]
            total[name + ".get"] += clock() - t
            batch.append(sample)
            if len(batch) == BATCH or k == len(indices) - 1:
                t = clock()
                collated = default_collate(batch)
                total[name + ".collate"] += clock() - t
                del collated
                batch = []
    for name, keys in (("train", ["RandomResizedCrop", "RandomHorizontalFlip", "ToTensor", "Normalize"]),
                       ("eval", ["Resize", "CenterCrop", "ToTensor", "Normalize"])):
        total[name + ".unfused"] = total["read"] + total["decode"] + sum(total[name + "." + k] for k in keys)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/bench-imagenet-2000")
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", help="the files to measure, one per line (they must be samples of --data)")
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument("--quiet", action="store_true", help="print no table")
    args = parser.parse_args()
    if args.images <= 0 or args.rounds <= 0:
        fail(args, 2, "--images and --rounds must be positive, not %d and %d" % (args.images, args.rounds))

    try:
        import PIL
        import torch
        import torchvision
        from PIL import Image
        from torch.utils.data import default_collate
        from torchvision import datasets, transforms
    except Exception as e:  # ImportError, or a broken installation
        fail(args, 3, "PyTorch, torchvision and PIL are not available to %s: %s" % (sys.executable, e))
    torch.set_num_threads(1)

    def compose(stages):
        return transforms.Compose(stages + [transforms.ToTensor(), transforms.Normalize(MEAN, STD)])

    try:
        train_set = datasets.ImageFolder(args.data, transform=compose(
            [transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(p=0.5)]))
        eval_set = datasets.ImageFolder(args.data, transform=compose(
            [transforms.Resize(256), transforms.CenterCrop(224)]))
        indices = choose(train_set, args)
    except Exception as e:
        fail(args, 1, "cannot measure the ImageFolder %s: %s" % (args.data, e))
    paths = [p for p, _ in train_set.samples]

    per_round = {key: [] for key, _ in STAGES}
    for r in range(-1, args.rounds):
        start = time.perf_counter()
        total = one_round(torch, transforms, Image, default_collate, indices, paths, train_set, eval_set)
        sys.stderr.write("  %s: %d images in %.1f s\n" % ("warm-up" if r < 0 else "round %d" % (r + 1), len(indices),
                                                         time.perf_counter() - start))
        sys.stderr.flush()
        if r >= 0:
            for key in per_round:
                per_round[key].append(total[key] * 1e3 / len(indices))

    result = {
        "side": "pytorch",
        "data": args.data,
        "images": len(indices),
        "rounds": args.rounds,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pil": PIL.__version__,
        "threads": torch.get_num_threads(),
        "stages": [{"key": key, "label": label, "msPerImage": statistics.median(per_round[key]),
                    "rounds": per_round[key]} for key, label in STAGES],
    }
    write_json(args.json, result)
    if not args.quiet:
        print("stage_timings.py: %s, %d images, one thread (torch %s, torchvision %s, PIL %s), mean wall ms per"
              " image, median of %d rounds after a warm-up pass" % (args.data, len(indices), torch.__version__,
                                                                    torchvision.__version__, PIL.__version__,
                                                                    args.rounds))
        print("%-54s %9s" % ("stage", "ms/image"))
        for s in result["stages"]:
            print("%-54s %9.3f" % (s["label"], s["msPerImage"]))


if __name__ == "__main__":
    main()
