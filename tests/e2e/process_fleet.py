"""docsplane's long-running processes (`docsplane projector`, `relay`, `dispatcher`, `worker`) as real
subprocesses of a test, which it may kill -9 and start again.

    fleet = ProcessFleet(settings.as_environ(), log_dir)
    fleet.start("worker")          # another instance of that kind; returns its index
    fleet.kill("worker", 0)        # SIGKILL, reaped; fleet.restart("worker", 0) starts it again
    fleet.close()                  # every process still running: SIGTERM, then SIGKILL

Each instance logs (stdout and stderr, every incarnation appended) to `log_dir/<kind>-<index>.log`;
`tail()` shows the ends of them for a failure message. Linux only (`busy` reads /proc)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

DOCSPLANE = [sys.executable, "-m", "docsplane.cli"]


class ProcessFleet:
    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env = {**os.environ, **env}
        self.log_dir = log_dir
        self.processes: dict[tuple[str, int], subprocess.Popen] = {}
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, kind: str) -> int:
        index = sum(1 for k, _ in self.processes if k == kind)
        self._spawn(kind, index)
        return index

    def instances(self, kind: str) -> list[int]:
        return sorted(i for k, i in self.processes if k == kind)

    def kill(self, kind: str, index: int) -> None:
        process = self.processes[(kind, index)]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def restart(self, kind: str, index: int) -> None:
        assert self.processes[(kind, index)].poll() is not None, f"{kind}-{index} is still running"
        self._spawn(kind, index)

    def busy(self, kind: str) -> list[int]:
        """The running instances that have child processes (a build worker running a build's step)."""
        busy = []
        for index in self.instances(kind):
            process = self.processes[(kind, index)]
            tasks = Path(f"/proc/{process.pid}/task")
            try:
                if process.poll() is None and any(t.joinpath("children").read_text().strip() for t in tasks.iterdir()):
                    busy.append(index)
            except OSError:  # it just ended
                continue
        return busy

    def dead(self) -> list[str]:
        """The instances that exited by themselves (not killed by the test): they should not."""
        return [f"{kind}-{index} (exit {p.returncode})" for (kind, index), p in self.processes.items()
                if p.poll() is not None and p.returncode != -signal.SIGKILL]

    def stop(self, timeout: float = 15.0, kinds: tuple[str, ...] | None = None) -> None:
        """SIGTERM to all (or to those of `kinds`; each finishes what it is doing), SIGKILL to those that
        have not stopped in time."""
        running = [p for (kind, _), p in self.processes.items() if p.poll() is None and (kinds is None or kind in kinds)]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    close = stop

    def tail(self, lines: int = 15) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)

    def _spawn(self, kind: str, index: int) -> None:
        with open(self.log_dir / f"{kind}-{index}.log", "ab") as log:
            self.processes[(kind, index)] = subprocess.Popen(
                [*DOCSPLANE, kind], env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
