#!/usr/bin/python3
"""The one-core raw gather limit of bench's tensor pipeline, on 4 KiB pages and on transparent huge pages.

bench's "raw gather (1 core)" column runs index_select of shuffled batches over tensors that PyTorch allocates
itself: on Linux with transparent_hugepage=madvise (the common default) those are 4 KiB pages, because PyTorch 1.x
never asks for huge pages (2.x only with THP_MEM_ALLOC_ENABLE=1). dataloader4j maps tensors of 2 MiB and more
with madvise(MADV_HUGEPAGE). A random gather of 1 KiB rows over 1 GiB misses the TLB on almost every row with
4 KiB pages, so the page size alone moves that limit. This script measures the same gather on both, so that a
ratio against the limit can be read like for like:

  gather_pages.py [--samples 1000000] [--features 256] [--batch-size 256] [--epochs 4] [--rounds 3]

It prints one JSON line per round and page size ({"pages": "4k"|"huge", "samplesPerSecond": ...,
"anonHugeKiB": ...}, steady epochs only) and a last line with the medians. The huge-page copy lives in an
anonymous mmap advised with MADV_HUGEPAGE before it is touched; anonHugeKiB (from /proc/self/smaps_rollup) shows
whether the kernel honoured it.
"""

import argparse
import json
import mmap
import statistics
import time


def anon_huge_kib():
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def gather_rate(torch, features, labels, batch_size, epochs, seed):
    """Samples per second of index_select over shuffled batches, epochs after the first."""
    generator = torch.Generator().manual_seed(seed)
    n = features.shape[0]
    rates = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for begin in range(0, n, batch_size):
            rows = order[begin:begin + batch_size]
            x = features.index_select(0, rows)
            y = labels.index_select(0, rows)
            del x, y
        if epoch > 0:
            rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def huge_page_copy(torch, tensor):
    """A copy of tensor in an anonymous mapping advised for huge pages (and the mapping, which must outlive it)."""
    nbytes = tensor.numel() * tensor.element_size()
    area = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    area.madvise(mmap.MADV_HUGEPAGE)
    copy = torch.frombuffer(area, dtype=tensor.dtype, count=tensor.numel()).view(tensor.shape)
    copy.copy_(tensor)
    return copy, area


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import torch
    torch.set_num_threads(1)
    features = torch.rand(args.samples, args.features, generator=torch.Generator().manual_seed(args.seed))
    labels = torch.randint(0, 10, (args.samples,), generator=torch.Generator().manual_seed(args.seed + 1))
    huge_features, area_x = huge_page_copy(torch, features)
    huge_labels, area_y = huge_page_copy(torch, labels)
    results = {"4k": [], "huge": []}
    for round_number in range(args.rounds):
        for pages, (x, y) in (("4k", (features, labels)), ("huge", (huge_features, huge_labels))):
            rate = gather_rate(torch, x, y, args.batch_size, args.epochs, args.seed + round_number)
            results[pages].append(rate)
            print(json.dumps({"round": round_number, "pages": pages, "samplesPerSecond": rate,
                              "anonHugeKiB": anon_huge_kib()}), flush=True)
    print(json.dumps({"median": {pages: statistics.median(rates) for pages, rates in results.items()},
                      "samples": args.samples, "features": args.features, "batchSize": args.batch_size,
                      "torch": torch.__version__}), flush=True)
    del area_x, area_y  # the mappings live as long as the tensors over them: until the process ends


if __name__ == "__main__":
    main()
