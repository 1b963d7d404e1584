"""`docsplane status` as aligned tables (the health module makes the report)."""

from __future__ import annotations

EXIT_CODES = {"ok": 0, "degraded": 1, "unavailable": 2}


def render(report: dict) -> str:
    sections = [
        f"status: {report['status']}: {report['message']}",
        f"event store head: {_text(report['head'])}   (checked {report['checked']})",
        *([_sandbox(report["sandbox"])] if "sandbox" in report else []),
        _table(("DEPENDENCY", "STATUS", "TARGET", "MESSAGE"),
               [(d["name"], d["status"], d["target"], d["message"]) for d in report["dependencies"]]),
    ]
    if report["positions"]:
        sections.append(_table(
            ("POSITION", "KIND", "AT", "LAG", "UPDATED", "LOOP", "HEARTBEAT AGE", "LAST ERROR"),
            [(p["name"], p["kind"], p["position"], p["lag"], p["updated"], p["loop"], _seconds(p["heartbeat_age"]), p["last_error"])
             for p in report["positions"]],
        ))
    if report["loops"]:
        sections.append(_table(
            ("LOOP", "INSTANCE", "STATE", "HEARTBEAT AGE", "LAST ERROR AT", "LAST ERROR"),
            [(l["name"], l["instance"], l["state"], _seconds(l["heartbeat_age"]), l["last_error_at"], l["last_error"])
             for l in report["loops"]],
        ))
    return "\n\n".join(sections)


def _sandbox(sandbox: dict) -> str:
    state = "on" if sandbox["active"] else "OFF"
    line = f"build sandbox: {state} (DOCSPLANE_BUILD_SANDBOX={sandbox['mode']}): {sandbox['message']}"
    if "network" in sandbox:
        network = sandbox["network"]
        line += f"\nbuild network: {network['active']} (DOCSPLANE_BUILD_NETWORK={network['mode']}): {network['message']}"
    return line


def _seconds(value) -> str:
    return "-" if value is None else f"{value:.1f} s"


def _text(value) -> str:
    return "-" if value is None else str(value)


def _table(headers: tuple, rows: list[tuple]) -> str:
    cells = [list(headers)] + [[_text(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells)
