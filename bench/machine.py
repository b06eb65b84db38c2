"""What machine a bench table was measured on: CPU, cores, RAM, versions, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit(repo: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def machine_info(repo: Path | None = None) -> dict[str, str]:
    """The facts printed under every bench table."""
    ram = _ram_gb()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or "unknown"),
        "ram_gb": f"{ram}" if ram is not None else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ortools": _version("ortools"),
        "spopt": _version("spopt"),
        "commit": _git_commit(repo or Path(__file__).resolve().parent.parent),
    }
