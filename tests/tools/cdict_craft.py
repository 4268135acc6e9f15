# SPDX-License-Identifier: Apache-2.0
# cdict_craft.py: hand-made .cdict files for the tests of hostile input
# (tests/e2e/t97*): any chunk, any column, any trailer, written byte for
# byte as docs/cdict-format.md says, with nothing checked. Usage:
#	import sys; sys.path.insert(0, "$SRC/tests/tools"); import cdict_craft as c
#	f = c.File()
#	f.meta(nr_cpus=2)
#	f.events([c.task(10, 0, 5, 5, 0), c.switch(20, 0, 0, 5)], strs=["a"])
#	f.trailer(rows=2, first_ns=10, last_ns=20)
#	f.write("x.cdict")
import struct
import zlib

import msgpack

KINDS = {"switch": 0, "wakeup": 1, "waking": 2, "wakeup_new": 3, "migrate": 4,
         "exec": 5, "fork": 6, "exit": 7, "stat_sleep": 8, "stat_iowait": 9,
         "stat_runtime": 10, "kvm_exit": 11, "kvm_entry": 12, "kvm_userexit": 13,
         "task": 14}
GROUPS = [("sw", [0], ["sw.prev", "sw.next", "sw.state"]),
          ("wk", [1, 2, 3], ["wk.tid", "wk.tcpu"]),
          ("mg", [4], ["mg.tid", "mg.from", "mg.to"]),
          ("kx", [11], ["kx.tid", "kx.reason", "kx.isa"]),
          ("ke", [12], ["ke.tid", "ke.vcpu"]),
          ("ku", [13], ["ku.tid", "ku.reason"]),
          ("tk", [5, 14], ["tk.tid", "tk.pid", "tk.name"]),
          ("fk", [6], ["fk.tid", "fk.child", "fk.cpid", "fk.name"]),
          ("ex", [7], ["ex.tid"]),
          ("st", [8, 9, 10], ["st.tid", "st.delay"])]


def planes(vals):
    """An integer column as byte planes (zigzag, 64-bit)."""
    z = [((v << 1) ^ (v >> 63)) & 0xffffffffffffffff for v in vals]
    w = 0
    m = max(z) if z else 0
    while m:
        w += 1
        m >>= 8
    out = bytearray([w])
    for p in range(w):
        out += bytes((v >> (8 * p)) & 0xff for v in z)
    return bytes(out)


# An event: (time, cpu, kind, group values); sw.prev is stored as given
# (0: elided, else tid + 1).
def switch(t, cpu, prev_stored, nxt, state=1):
    return (t, cpu, 0, [prev_stored, nxt, state])


def task(t, cpu, tid, pid, name_id):
    return (t, cpu, 14, [tid, pid, name_id])


def wakeup(t, cpu, tid, tcpu=0):
    return (t, cpu, 1, [tid, tcpu])


def kvm_exit(t, cpu, tid, reason, isa=1):
    return (t, cpu, 11, [tid, reason, isa])


def kvm_entry(t, cpu, tid, vcpu=0):
    return (t, cpu, 12, [tid, vcpu])


def ev_chunk(evs, strs=None, extra=None):
    """The msgpack map of an event chunk of evs (in row order)."""
    m = {"t": "ev", "n": len(evs), "t0": evs[0][0] if evs else 0}
    if strs:
        m["str"] = strs
    m["k"] = bytes(e[2] for e in evs)
    dt, last = [], None
    for e in evs:
        dt.append(0 if last is None else e[0] - last)
        last = e[0]
    m["dt"] = planes(dt)
    m["cpu"] = planes([e[1] for e in evs])
    for _, kinds, cols in GROUPS:
        rows = [e for e in evs if e[2] in kinds]
        if not rows:
            continue
        for j, col in enumerate(cols):
            m[col] = planes([r[3][j] for r in rows])
    if extra:
        m.update(extra)
    return m


class File:
    def __init__(self, version=3, minor=2):
        self.out = bytearray(b"PWCDICT\n" + struct.pack("<HHI", version, minor, 0))

    def chunk(self, obj, raw=None):
        """A chunk of the msgpack map obj (or of raw msgpack bytes)."""
        payload = raw if raw is not None else msgpack.packb(obj, use_bin_type=True)
        z = zlib.compress(payload, 1)
        h = struct.pack("<III", len(z), len(payload), zlib.crc32(z))
        self.out += h + struct.pack("<I", zlib.crc32(h)) + z
        return self

    def meta(self, **kw):
        m = {"t": "meta", "format": 3, "perfwhiz": "craft"}
        m.update(kw)
        return self.chunk(m)

    def events(self, evs, strs=None, extra=None):
        return self.chunk(ev_chunk(evs, strs, extra))

    def trailer(self, rows, first_ns, last_ns, tasks=0, chunks=1, top=None, **kw):
        m = {"t": "end", "rows": rows, "events": {}, "tasks": tasks,
             "first_ns": first_ns, "last_ns": last_ns, "chunks": chunks,
             "top": top or [], "ended": {"how": "complete"}, "stats": {}}
        m.update(kw)
        return self.chunk(m)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.out)
