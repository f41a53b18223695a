#!/usr/bin/env python3
"""Where a dataloader4j JVM's resident memory goes, at its peak.

Runs a command that ends in a JVM (e.g. ``./dataloader4j bench ...``, which execs java, so the child's pid is the
JVM's) with Native Memory Tracking on (through JDK_JAVA_OPTIONS), samples /proc/PID/smaps every --interval seconds,
keeps the sample with the largest total Rss, and classifies its mappings: the JVM's own regions (Java heap, code
cache, metaspace, class space, CDS/AOT archive, GC structures, thread stacks) by the ranges that ``jcmd PID
System.map`` reports once the JVM is up, the rest by what they are (shared libraries, the jar, 4 MiB tensor blocks
of dataloader4j's Slab, large anonymous mappings such as batch tensors, glibc malloc arenas).

    python3 bench/memory/where_memory_goes.py -- ./dataloader4j bench --pipeline image-train --workers 2 ...

Prints the command's output, then a table of MiB per part at the peak. Linux only; needs jcmd next to java.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

MIB = 1 << 20
HEADER = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$')


def read_smaps(pid):
    """[(start, end, perms, path, rss_bytes)] of /proc/PID/smaps, or None when the process is gone."""
    try:
        with open(f'/proc/{pid}/smaps') as f:
            text = f.read()
    except OSError:
        return None
    maps, cur = [], None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            cur = [int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4).strip(), 0]
            maps.append(cur)
        elif line.startswith('Rss:') and cur is not None:
            cur[4] = int(line.split()[1]) * 1024
    return maps


def system_map(jcmd, pid):
    """[(start, end, info)] of the JVM's own regions from jcmd System.map (needs NMT)."""
    out = subprocess.run([jcmd, str(pid), 'System.map'], capture_output=True, text=True, timeout=60).stdout
    regions = []
    for line in out.splitlines():
        m = re.match(r'^0x([0-9a-f]+)-0x([0-9a-f]+)\s+\d+\s+\S+\s+\d+\s+\d+\s+\S+\s+\S+\s+(\S+)', line)
        if m and m.group(3) != '-':
            regions.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    return regions


def classify(maps, regions):
    parts = {}

    def add(name, rss):
        parts[name] = parts.get(name, 0) + rss

    for start, end, perms, path, rss in maps:
        info = next((i for s, e, i in regions if s <= start < e), None)
        size = end - start
        if info is not None:
            add({'JAVAHEAP': 'Java heap', 'CODE': 'code cache', 'META': 'metaspace', 'CLASS': 'class space',
                 'CDS': 'CDS/AOT archive', 'GC': 'GC structures', 'CARDTBL': 'GC structures',
                 'STACK': 'thread stacks'}.get(info, 'JVM other (' + info + ')'), rss)
        elif path.endswith('.so') or '.so.' in path:
            add('shared libraries', rss)
        elif path.endswith('.jar'):
            add('jar files', rss)
        elif path.endswith('.aot') or path.endswith('.jsa'):
            add('CDS/AOT archive', rss)
        elif path.startswith('/') and path:
            add('other files (' + os.path.basename(path) + ')', rss)
        elif path == '[heap]':
            add('malloc (main arena)', rss)
        elif path.startswith('[stack'):
            add('thread stacks', rss)
        elif path.startswith('['):
            add('kernel (' + path + ')', rss)
        elif size == 4 * MIB:
            add('tensor blocks (Slab, 4 MiB each)', rss)
        elif start % (64 * MIB) == 0 or any(s == end and p == '---p' and e - s + size == 64 * MIB
                                            for s, e, p, _, _ in maps):
            add('malloc arenas (C heap: JVM malloc, tensors of 1 MiB+ under 32 MiB, libjpeg)', rss)
        elif size >= 32 * MIB:
            add('large anonymous (batch tensors, 32 MiB+)', rss)
        else:
            add('other anonymous (small mmaps, thread stacks, tensors)', rss)
    return parts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--interval', type=float, default=0.1, help='seconds between smaps samples (default 0.1)')
    ap.add_argument('--map-after', type=float, default=3.0, help='seconds before asking jcmd for System.map')
    ap.add_argument('--nmt', default='summary', help='NativeMemoryTracking level (default summary; off: no NMT, '
                    'then the JVM regions are not told apart)')
    ap.add_argument('--from-line', default=None, help='regular expression: keep the peak only of samples taken after '
                    'the command printed a matching line (e.g. "image-eval" to skip the pipelines before it)')
    ap.add_argument('--to-line', default=None, help='regular expression: stop sampling once the command printed a '
                    'matching line')
    ap.add_argument('command', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == '--' else a.command
    env = dict(os.environ)
    java_home = env.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64')
    jcmd = os.path.join(java_home, 'bin', 'jcmd')
    if a.nmt != 'off':
        env['JDK_JAVA_OPTIONS'] = (env.get('JDK_JAVA_OPTIONS', '') + ' -XX:NativeMemoryTracking=' + a.nmt).strip()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, bufsize=1)
    window = {'open': a.from_line is None, 'closed': False}

    def echo():
        for line in proc.stdout:
            sys.stdout.write(line)
            if a.from_line and re.search(a.from_line, line):
                window['open'] = True
            if a.to_line and window['open'] and re.search(a.to_line, line):
                window['closed'] = True
    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    best, best_rss, regions, t0 = None, -1, [], time.time()
    # The launcher may build first; System.map is asked once the process is java.
    while proc.poll() is None:
        maps = read_smaps(proc.pid) if window['open'] and not window['closed'] else None
        if maps:
            total = sum(m[4] for m in maps)
            if total > best_rss:
                best_rss, best = total, maps
            if not regions and time.time() - t0 > a.map_after and a.nmt != 'off':
                try:
                    exe = os.readlink(f'/proc/{proc.pid}/exe')
                except OSError:
                    exe = ''
                if exe.endswith('/java'):
                    regions = system_map(jcmd, proc.pid)
        time.sleep(a.interval)
    reader.join()
    if best is None:
        print('no sample taken', file=sys.stderr)
        return proc.returncode or 1
    parts = classify(best, regions)
    if os.environ.get('WHERE_MEMORY_DUMP'):
        for start, end, perms, path, rss in sorted(best, key=lambda m: -m[4])[:40]:
            info = next((i for s, e, i in regions if s <= start < e), '-')
            print(f'{start:x}-{end:x} {perms} size {(end - start) / MIB:9.1f} rss {rss / MIB:7.1f} {info} {path}')
    print(f'\nwhere the memory goes at the sampled peak (total Rss {best_rss / MIB:.1f} MiB), MiB:')
    for name, rss in sorted(parts.items(), key=lambda kv: -kv[1]):
        if rss >= 0.05 * MIB:
            print(f'  {rss / MIB:8.1f}  {name}')
    return proc.returncode


if __name__ == '__main__':
    sys.exit(main())
