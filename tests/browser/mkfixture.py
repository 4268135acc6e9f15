#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# mkfixture.py: writes --json documents (docs/json-schema.md) for the browser tests.
#
#   mkfixture.py big TASKS CPUS > big.json   a synthetic run of TASKS tasks on CPUS cpus
# Figures are consistent (cpu_pct = runtime / covered window, switches =
# voluntary + involuntary, per-cpu sums = task totals) and deterministic.
import json, sys

def task(tid, name, window, cpus, kvm=None):
    runtime = sum(c["runtime_ns"] for c in cpus)
    sw = sum(c["switches"] for c in cpus)
    vol = sw * 2 // 3
    t = {"tid": tid, "pid": tid, "name": name, "comm": name[:15],
         "runtime_ns": runtime, "cpu_pct": round(100.0 * runtime / window, 3),
         "switches": sw, "voluntary": vol, "involuntary": sw - vol,
         "sched_in": sw, "migrations": max(0, len(cpus) - 1),
         "wait_ns": sw * 2100, "max_wait_ns": 51234, "waits": sw,
         "wait_p50_ns": 1800, "wait_p90_ns": 9000, "wait_p99_ns": 40000,
         "preempted_ns": (sw - vol) * 3300, "events": sw * 3,
         "cpus": cpus,
         "kvm": {"exits": {}, "count": 0, "host_ns": 0, "guest_ns": 0, "reasons": {}}}
    if kvm:
        reasons = {}
        for name_, n in sorted(kvm.items(), key=lambda kv: (-kv[1], kv[0])):
            reasons[name_] = {"reason": 0, "isa": "vmx", "count": n, "host_ns": n * 2500,
                              "timed": n, "mean_ns": 2500, "p50_ns": 2200, "p99_ns": 9100, "max_ns": 30001}
        t["kvm"] = {"exits": {k: v["count"] for k, v in reasons.items()},
                    "count": sum(kvm.values()), "host_ns": sum(v["host_ns"] for v in reasons.values()),
                    "guest_ns": runtime // 2, "reasons": reasons}
    return t

def run(name, window, nr_cpus, tasks):
    cpus = {}
    for t in tasks:
        for c in t["cpus"]:
            e = cpus.setdefault(c["cpu"], {"cpu": c["cpu"], "busy_ns": 0, "idle_ns": 0, "switches": 0})
            e["busy_ns"] += c["runtime_ns"]
            e["switches"] += c["switches"]
    for e in cpus.values():
        e["idle_ns"] = max(0, window - e["busy_ns"])
    return {"name": name, "file": name + ".cdict", "window_ns": window, "covered_ns": window, "scale": 1.0,
            "start_ns": 1000000000, "end_ns": 1000000000 + window, "first_ns": 1000000000,
            "last_ns": 1000000000 + window, "nr_cpus": nr_cpus,
            "meta": {"hostname": "bench-host", "kernel": "6.1.0-28-amd64", "arch": "x86_64",
                     "cpu_desc": "Synthetic CPU", "cpuid": "GenuineIntel,6,85,7", "perf_version": "6.1.123",
                     "cmdline": "perf record -a -e sched:sched_switch", "source": "perf.data",
                     "writer": "0.1.0", "nr_cpus": nr_cpus, "nr_cpus_avail": nr_cpus,
                     "capture_time": 1764000000, "tracepoints": ["sched:sched_switch"], "extra": {}},
            "events": {"switch": sum(t["switches"] for t in tasks), "read": sum(t["events"] for t in tasks)},
            "quality": {"clipped_start": nr_cpus, "clipped_end": nr_cpus, "unknown_state_switches": 0,
                        "switch_mismatch": 0, "kvm_exits_without_entry": 0, "kvm_entries_without_exit": 0,
                        "tid_reuse": 0, "exec": 0, "failed_validation": 0, "legacy_skipped": 0,
                        "events_before_window": 0, "events_after_window": 0, "truncated": False, "legacy": False},
            "stats": [], "cpus": [cpus[k] for k in sorted(cpus)],
            "tasks": sorted(tasks, key=lambda t: (-t["runtime_ns"], t["tid"], t["name"]))}

def doc(runs, label=None):
    return {"perfwhiz": "0.1.0", "label": label, "task": None, "merge_sys_tasks": False,
            "append_tid": False, "from_ns": 0, "cap_ns": 0, "runs": runs}

def big(ntasks, ncpus):
    window = 10 * 10**9
    tasks = []
    for i in range(ntasks):
        tid = 1000 + i
        # a few busy tasks, a long tail; each on a handful of cpus
        share = window // (3 + i)
        k = 1 + (i * 7) % 5
        cpus = []
        for j in range(k):
            cpu = (i * 37 + j * 11) % ncpus
            if any(c["cpu"] == cpu for c in cpus):
                continue
            cpus.append({"cpu": cpu, "runtime_ns": share // (k * 4) + j * 1000 + i,
                         "switches": 1 + (i * 13 + j * 7) % 400, "sched_in": 1 + (i * 13 + j * 7) % 400})
        cpus.sort(key=lambda c: c["cpu"])
        kvm = None
        if i % 50 == 0:
            kvm = {"EXTERNAL_INTERRUPT": 1000 + i, "HLT": 500 + i, "EPT_VIOLATION": 20 + i % 7, "MSR_WRITE": 300}
        tasks.append(task(tid, "task-%04d/%d" % (i, i % 7), window, cpus, kvm))
    return doc([run("big", window, ncpus, tasks)], "2000 tasks x 256 cpus")

if __name__ == "__main__":
    if sys.argv[1] == "big":
        json.dump(big(int(sys.argv[2]), int(sys.argv[3])), sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
    else:
        sys.exit("usage: mkfixture.py big TASKS CPUS")
