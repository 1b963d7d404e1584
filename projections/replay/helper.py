"""A replay's second process: the bulk phase of some of its projections (on PostgreSQL, into their
scratch files, then COPYed and indexed), beside the first process doing the others'.

The bulk phase is Python per event (decoding, then the handlers), so one process keeps one core
busy; a second one, reading the log for itself, replays the projections of every event (the
audit, as costly as the nine others together) on the other core. It is `Replay` itself, on
connections of its own (`sources`: a picklable callable, from the composition root), started with
the `spawn` method: nothing of the first process's connections or threads is inherited.

Failures are loud and leave nothing running: an error in the helper is raised by the first
process at its next batch; the first process failing or interrupted (Ctrl-C) terminates the
helper; a helper whose first process died (SIGKILL) stops at its next batch. Whatever stops it, it
loses at most its open batch, like any replay: the next run resumes its scratch files."""

from __future__ import annotations

import multiprocessing
import os
import traceback

JOIN_TIMEOUT = 10  # seconds a terminated helper gets before it is killed


class HelperFailed(RuntimeError):
    """The helper process raised or died; its traceback, if it could send it, is the message."""


class Helper:
    """The second process, replaying the bulk phase of `names` (their scratches are ready and closed)."""

    def __init__(self, sources, names: list[str], batch_size: int, scratch_dir):
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=run, args=(sources, names, batch_size, scratch_dir, os.getpid(), send),
            name="docsplane-replay-helper", daemon=True,  # daemon: terminated if this process exits meanwhile
        )
        self._process.start()
        send.close()
        self.applied: dict[str, int] | None = None  # events applied per projection, once it finished

    def check(self) -> None:
        """Raise HelperFailed if the helper failed; note its result if it finished."""
        if self.applied is None and self._receive.poll():
            try:
                kind, value = self._receive.recv()
            except EOFError:  # it ended without a word (killed)
                self._process.join(JOIN_TIMEOUT)
                kind, value = "error", f"it ended with exit code {self._process.exitcode}"
            if kind == "error":
                self.stop()
                raise HelperFailed(f"the replay's helper process failed:\n{value}")
            self.applied = value
        elif self.applied is None and self._process.exitcode is not None:
            raise HelperFailed(f"the replay's helper process ended (exit code {self._process.exitcode}) without a result")

    def wait(self) -> dict[str, int]:
        """Wait until the helper has loaded its shadows; events applied per projection."""
        while self.applied is None:
            self._receive.poll(None if self._process.is_alive() else 0)
            self.check()
        self._process.join(JOIN_TIMEOUT)
        return self.applied

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()  # SIGTERM: it dies at once, its open SQLite and PostgreSQL transactions roll back
            self._process.join(JOIN_TIMEOUT)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(JOIN_TIMEOUT)
        self._receive.close()


def run(sources, names: list[str], batch_size: int, scratch_dir, parent: int, send) -> None:
    """The helper process: replay `names` up to the log's head, load and index their shadows (not the swap)."""
    from projections.registry import PROJECTIONS
    from projections.replay.rebuild import Replay

    try:
        recorder, mapper, store, close = sources()
        try:
            replay = Replay(recorder, mapper, store, [PROJECTIONS[name]() for name in names], batch_size, scratch_dir)
            replay.open()
            while replay.run_batch():
                if os.getppid() != parent:  # the first process is gone (killed): so is the point of going on
                    return
            for shadow in replay.shadows:
                replay.build_indexes(shadow)
            send.send(("done", {shadow.name: shadow.applied for shadow in replay.shadows}))
        finally:
            close()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the first process reports it
        pass
    except BaseException:
        send.send(("error", traceback.format_exc()))
        raise SystemExit(1)
