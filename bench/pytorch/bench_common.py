"""What the PyTorch side scripts of `dataloader4j bench` share: JSON lines on stdout, peak-RSS bookkeeping from
/proc, the measuring loop over torch.utils.data.DataLoader, and the --serve protocol ("run WORKERS EPOCHS" / "quit"
on stdin, one JSON object per answer), so that every pipeline is measured the same way.
"""

import gc
import json
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


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS. True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


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
        for _, labels in it:
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


def run_or_serve(dataset, torch, args):
    """Without --serve: measure each of args.workers and exit. With --serve: answer run/quit commands on stdin."""
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
