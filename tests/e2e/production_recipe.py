"""The production recipe of docs/production.md, as a reader runs it: its marked blocks, in order, in one
shell session (what a block exports, the next one sees), from the checkout.

    blocks = recipe_blocks()                 # [Block(text, long_running), ...], read from the doc
    shell = Shell(env, cwd=ROOT)
    shell.run(block)                         # a block that ends: its output; fails on a failing command
    process = shell.start(block)             # a long-running one (honcho start, docsplane subscribe)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "docs" / "production.md"
MARKED = re.compile(r"<!-- production-recipe(: long-running)? -->\n```bash\n(.*?)```", re.DOTALL)


@dataclass
class Block:
    text: str
    long_running: bool


def recipe_blocks(path: Path = RECIPE) -> list[Block]:
    return [Block(text, bool(kind)) for kind, text in MARKED.findall(path.read_text())]


class Shell:
    def __init__(self, env: dict[str, str], cwd: Path = ROOT):
        self.env = dict(env)
        self.cwd = cwd

    def run(self, block: Block, timeout: float = 120) -> str:
        """Run the block with `bash -e`; carry its exported variables on; its stdout and stderr."""
        with tempfile.NamedTemporaryFile() as exported:
            script = f"set -e\n{block.text}\nenv -0 > {exported.name}\n"
            done = subprocess.run(["bash", "-c", script], env=self.env, cwd=self.cwd, capture_output=True, text=True,
                                  timeout=timeout)
            assert done.returncode == 0, f"the block\n{block.text}\nfailed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            self.env = dict(item.split("=", 1) for item in Path(exported.name).read_text().split("\0") if "=" in item)
        return done.stdout + done.stderr

    def start(self, block: Block, **streams) -> subprocess.Popen:
        """The block in a session of its own (stop() ends all it started)."""
        return subprocess.Popen(["bash", "-c", f"exec {block.text.strip()}"], env=self.env, cwd=self.cwd,
                                start_new_session=True, text=True, **streams)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the process (honcho passes it on to its children), then SIGKILL to what is left of its session."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=timeout)


def pids_running(command_part: str) -> list[int]:
    """The processes whose command line contains `command_part`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if command_part in cmdline:
                found.append(int(entry.name))
    return found
