"""What every process of a build step may use: memory, processes, open files, file size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    memory: int  # bytes of address space per process
    processes: int
    open_files: int
    file_size: int  # bytes per file; the home's total is checked by the runner after each step

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(settings.build_memory_max, settings.build_processes_max, settings.build_open_files_max,
                   settings.build_disk_max)

    def prlimit(self) -> list[str]:
        return ["prlimit", f"--as={self.memory}", f"--nproc={self.processes}", f"--nofile={self.open_files}",
                f"--fsize={self.file_size}", "--"]

