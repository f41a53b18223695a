"""What the PyTorch side scripts of `dataloader4j bench` share: JSON lines on stdout, peak-RSS bookkeeping from
/proc, the measuring loop over torch.utils.data.DataLoader, and the --serve protocol ("run WORKERS EPOCHS [SETUP]" /
"quit" on stdin, one JSON object per answer), so that every pipeline is measured the same way.

SETUP is how PyTorch is configured for that run:
  default     DataLoader(dataset, batch_size, shuffle=True, num_workers=w): PyTorch's defaults, which start new
              worker processes for every epoch
  persistent  the same with persistent_workers=True (w > 0 only): the workers live across the epochs, so the
              epochs after the first are the steady state a careful user sees
  batched     DataLoader(dataset, sampler=BatchSampler(RandomSampler(dataset), batch_size, drop_last=False),
              batch_size=None, num_workers=w, persistent_workers=w > 0): the dataset is indexed with a whole
              batch of indices at once (TensorDataset only; one gather per tensor and batch instead of a
              row copy per sample and a collate)
  gather      no DataLoader: per epoch a random permutation of the rows, then per batch index_select of the
              features and the labels, on one thread (torch.set_num_threads(1)); the limit of a random gather
              on one core (TensorDataset only; w is ignored)

The memory of the main process and its worker processes is sampled from outside (the Java side reads
/proc/PID/smaps_rollup of the whole process family while a run goes on); "peakRssBytes" here is the
main process's own VmHWM only.
"""

import gc
import json
import os
import platform
import re
import resource
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def status_kib(field):
    with open("/proc/self/status") as f:
        m = re.search(r"^" + field + r":\s+(\d+) kB", f.read(), re.MULTILINE)
    return int(m.group(1)) if m else None


def emit_ready(torch, start, batch_size, **fields):
    """The "ready" line once the dataset is built: the versions and the machine, `fields` (what the pipeline
    built), the batch size, the seconds since `start` (a time.perf_counter() value) and the RSS now."""
    emit({
        "event": "ready",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "cpus": os.cpu_count(),
        **fields,
        "batchSize": batch_size,
        "buildSeconds": time.perf_counter() - start,
        "rssBytes": status_kib("VmRSS") * 1024,
    })


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS. True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


SETUPS = ("default", "persistent", "batched", "gather")


def epoch_record(epoch, samples, batches, seconds, first_batch):
    return {
        "epoch": epoch,
        "samples": samples,
        "batches": batches,
        "seconds": seconds,
        "samplesPerSecond": samples / seconds,
        "firstBatchMillis": first_batch * 1e3,
    }


def make_loader(dataset, torch, batch_size, workers, setup):
    from torch.utils.data import BatchSampler, DataLoader, RandomSampler

    if setup == "default":
        return DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers)
    if setup == "persistent":
        if workers == 0:
            raise ValueError("persistent_workers=True needs workers > 0 (PyTorch refuses it at 0)")
        return DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers,
                          persistent_workers=True)
    if setup == "batched":
        if not hasattr(dataset, "tensors"):
            raise ValueError("the batched setup indexes a TensorDataset with a batch of indices; this pipeline's"
                             " dataset is a %s" % type(dataset).__name__)
        sampler = BatchSampler(RandomSampler(dataset), batch_size, drop_last=False)
        return DataLoader(dataset, sampler=sampler, batch_size=None, num_workers=workers,
                          persistent_workers=workers > 0)
    raise ValueError("unknown setup %r (expected one of %s)" % (setup, ", ".join(SETUPS)))


def measure_gather(dataset, torch, batch_size, epochs, seed):
    """index_select of a random permutation's batches on one thread: what copying the rows costs, nothing else."""
    if not hasattr(dataset, "tensors"):
        raise ValueError("the gather setup needs a TensorDataset; this pipeline's dataset is a %s"
                         % type(dataset).__name__)
    features, labels = dataset.tensors
    generator = torch.Generator().manual_seed(seed)
    n = features.shape[0]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    per_epoch = []
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            order = torch.randperm(n, generator=generator)
            first_batch = None
            samples = 0
            batches = 0
            for begin in range(0, n, batch_size):
                rows = order[begin:begin + batch_size]
                x = features.index_select(0, rows)
                y = labels.index_select(0, rows)
                if first_batch is None:
                    first_batch = time.perf_counter() - start
                samples += y.shape[0]
                batches += 1
                del x, y
            per_epoch.append(epoch_record(epoch, samples, batches, time.perf_counter() - start, first_batch))
    finally:
        torch.set_num_threads(threads)
    return per_epoch


def measure(dataset, torch, batch_size, workers, epochs, seed, setup="default"):
    torch.manual_seed(seed)
    gc.collect()  # as the Java side collects before each run
    rss_reset = reset_peak_rss()
    if setup == "gather":
        per_epoch = measure_gather(dataset, torch, batch_size, epochs, seed)
    else:
        loader = make_loader(dataset, torch, batch_size, workers, setup)
        per_epoch = []
        for epoch in range(epochs):
            start = time.perf_counter()
            it = iter(loader)
            first_batch = None
            samples = 0
            batches = 0
            for _, labels in it:
                if first_batch is None:
                    first_batch = time.perf_counter() - start
                samples += labels.shape[0]
                batches += 1
            per_epoch.append(epoch_record(epoch, samples, batches, time.perf_counter() - start, first_batch))
            del it
        del loader  # with persistent workers, this ends them
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "event": "result",
        "workers": workers,
        "setup": setup,
        "epochs": per_epoch,
        "peakRssBytes": status_kib("VmHWM") * 1024,
        "peakRssReset": rss_reset,
        "workerProcessesMaxRssBytes": children,
    }


def measure_first_batch(dataset, torch, batch_size, workers, seed):
    """One first batch of the default setup, as a fresh process sees it (`bench --fresh-first-batch`): the time from
    creating the iterator to receiving the batch, and the clock when it came (ms since the epoch, which the Java side
    subtracts its launch time from)."""
    torch.manual_seed(seed)
    loader = make_loader(dataset, torch, batch_size, workers, "default")
    start = time.perf_counter()
    it = iter(loader)
    next(it)
    elapsed = time.perf_counter() - start
    wall = time.time()
    del it  # ends the worker processes
    return {
        "event": "first-batch",
        "workers": workers,
        "setup": "default",
        "firstBatchMillis": elapsed * 1e3,
        "wallMillis": wall * 1e3,
    }


def add_mode_arguments(parser):
    """The arguments that choose how a pipeline script runs (see run_or_serve)."""
    parser.add_argument("--serve", action="store_true",
                        help="answer 'run WORKERS EPOCHS [SETUP]' / 'quit' commands on stdin")
    parser.add_argument("--first-batch", action="store_true",
                        help="read one first batch at each of --workers (default setup), print it, exit")


def run_or_serve(dataset, torch, args):
    """With --first-batch: one first batch at each of args.workers, then exit. Without --serve: measure each of
    args.workers (default setup) and exit. With --serve: answer run/quit commands on stdin."""
    if args.first_batch:
        for w in (int(x) for x in args.workers.split(",")):
            emit(measure_first_batch(dataset, torch, args.batch_size, w, args.seed))
        return
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
        if parts[0] == "run" and len(parts) in (3, 4):
            setup = parts[3] if len(parts) == 4 else "default"
            try:
                emit(measure(dataset, torch, args.batch_size, int(parts[1]), int(parts[2]), args.seed, setup))
            except Exception as e:
                emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})
        else:
            emit({"event": "error", "message": "unknown command: %r (expected 'run WORKERS EPOCHS [SETUP]' or"
                  " 'quit')" % line.strip()})
