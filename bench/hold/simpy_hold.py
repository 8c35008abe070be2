"""The classic hold model in SimPy 2.3.1 (Debian python3-simpy), to set
beside citytwin's engine.BenchmarkHold on the same machine in the same run.

N processes each hold for an exponential time with mean N, forever, so N
events are pending at any time; every hold is one event. Prints one line:
pending events_per_cpu_second events cpu_seconds.
Usage: python3 simpy_hold.py N EVENTS
"""
import random
import sys
import time

from SimPy.Simulation import Process, Simulation, hold


class Holder(Process):
    holds = 0

    def run(self, mean, rng):
        while True:
            Holder.holds += 1
            yield hold, self, rng.expovariate(1.0 / mean)


def main():
    n = int(sys.argv[1])
    events = int(sys.argv[2])
    rng = random.Random(1)
    sim = Simulation()
    sim.initialize()
    for _ in range(n):
        p = Holder(sim=sim)
        sim.activate(p, p.run(float(n), rng), at=rng.expovariate(1.0 / n))
    # SimPy 2 runs one simulate call per Simulation, so the warm-up (every
    # process's first hold) is inside the measured call; it is N events of
    # the same kind. The mean spacing of events is 1 time unit.
    t0 = time.process_time()
    sim.simulate(until=float(events))
    cpu = time.process_time() - t0
    done = Holder.holds
    print(n, done / cpu, done, cpu)


if __name__ == "__main__":
    main()
