#!/usr/bin/env python3
"""When does the last of N clients get back after the only gateway restarts in place?

A model, not a measurement (docs/BENCHMARKS.md, "What remains"): each client reconnects within a second of the 1012
(the SDK's prompt delay), then, while the gateway is down, waits full-jitter random(0, min(30 s, 1 s * 2^attempt)) with
a 100 ms floor after each refused attempt (client-js/src/backoff.ts, contract section 7); once up, the gateway takes
RATE handshakes per second. Prints, per restart time, the mean over 20 draws of the time until the last client is back.

    python3 infra/bench/storm-model.py [clients] [handshakes_per_second]
"""
import random
import sys

random.seed(20261130)  # the same figures on every run

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
RATE = float(sys.argv[2]) if len(sys.argv) > 2 else 800.0
DRAWS = 20


def last_back(up_after):
    arrivals = []
    for _ in range(CLIENTS):
        t = 0.1 + random.random()  # prompt reconnect after 1012
        attempt = 0
        while t < up_after:
            t += max(0.1, random.random() * min(30.0, 2.0 ** attempt))
            attempt += 1
        arrivals.append(t)
    done = up_after
    for t in sorted(arrivals):
        done = max(done, t) + 1.0 / RATE
    return done


for up_after in (1, 2, 3, 4, 6, 9):
    mean = sum(last_back(up_after) for _ in range(DRAWS)) / DRAWS
    print(f"gateway up {up_after:>2} s after the drop: last client back after {mean:5.1f} s")
