"""xAPI ingestion: statements per second, ours (gunicorn + Django) beside ralph 5.1 (fs backend).

    benchmarks/setup_ralph.sh                  # once: .venv-ralph with ralph-malph 5.1.0
    .venv/bin/python benchmarks/xapi_ingest.py --json var/xapi_ingest.json

Starts every server itself on 127.0.0.1 (ours on a fresh SQLite file and on a fresh PostgreSQL
database, ralph on a fresh directory), sends a bounded load from 16 concurrent keep-alive
clients (one asyncio process, raw HTTP/1.1), stops them, prints a table and writes JSON.
Single: one statement per POST. Batched: 100 statements per POST. State PUT (ours only; ralph
has no document resources): one State document per PUT, over 50 activities x 500 agents x 5
ids, so most PUTs replace a stored document. Each run lasts `--seconds`;
medians of `--runs` runs with min-max. Every statement has its own id, an mbox actor, a verb,
an activity and a scaled score; the same generator feeds both LRSs. Ours acknowledges after the
transaction commits (PostgreSQL: synchronous_commit on, fsync on, as configured on the host).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
OURS_PY = ROOT / ".venv" / "bin"
RALPH_PY = ROOT / ".venv-ralph" / "bin"

RALPH_SERVER = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

# As /work/shared/BENCHMARKS.md says: the fs backend's default "create" fails after the first
# POST; "append" makes it usable. Set before the app is imported.
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import sys

import uvicorn
from ralph.api import app

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), workers=1, access_log=False,
            log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1."):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def statement(n: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:learner{n % 5000}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://tool.example.org/activities/q{n % 200}",
        },
        "result": {"score": {"scaled": round((n % 100) / 100, 2)}, "success": n % 3 != 0},
        "timestamp": "2026-10-01T10:00:00.000Z",
    }


class Load:
    """`concurrency` keep-alive connections posting bodies for `seconds`; latencies in ms."""

    def __init__(self, port: int, path: str, auth: str, batch: int) -> None:
        # batch 0: State documents, one PUT each (ours only: ralph has no document resources)
        self.port, self.path, self.auth, self.batch = port, path, auth, batch
        self.latencies: list[float] = []
        self.errors: dict[int, int] = {}
        self.statements = 0
        self.counter = 0

    def body(self) -> bytes:
        if self.batch == 0:
            self.counter += 1
            return json.dumps({"page": self.counter, "bookmark": "unit-3/lesson-2"}).encode()
        self.counter += self.batch
        if self.batch == 1:
            return json.dumps(statement(self.counter)).encode()
        return json.dumps([statement(self.counter + i) for i in range(self.batch)]).encode()

    async def worker(self, until: float) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        fields = (
            f"Host: 127.0.0.1\r\nAuthorization: {self.auth}\r\n"
            "X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n"
        )
        while time.monotonic() < until:
            body = self.body()
            if self.batch == 0:
                query = urlencode(
                    {
                        "activityId": f"https://tool.example.org/activities/{self.counter % 50}",
                        "agent": json.dumps({"mbox": f"mailto:s{self.counter % 500}@example.org"}),
                        "stateId": f"state-{self.counter % 5}",
                    }
                )
                request_line = f"PUT /xapi/activities/state?{query} HTTP/1.1\r\n"
            else:
                request_line = f"POST {self.path} HTTP/1.1\r\n"
            started = time.perf_counter()
            writer.write(
                f"{request_line}{fields}Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            status, closing = await self.read_response(reader)
            self.latencies.append((time.perf_counter() - started) * 1000)
            if status in {200, 204}:
                self.statements += max(self.batch, 1)
            else:
                self.errors[status] = self.errors.get(status, 0) + 1
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.close()

    @staticmethod
    async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
        header = await reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                size = int((await reader.readline()).strip(), 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        return status, fields.get("connection", "").lower() == "close"

    async def run(self, concurrency: int, seconds: float) -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(*(self.worker(until) for _ in range(concurrency)))


def measure(
    port: int, path: str, auth: str, batch: int, concurrency: int, seconds: float
) -> dict[str, Any]:
    load = Load(port, path, auth, batch)
    started = time.perf_counter()
    asyncio.run(load.run(concurrency, seconds))
    elapsed = time.perf_counter() - started
    latencies = sorted(load.latencies)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "statements_per_s": load.statements / elapsed,
        "requests": len(latencies),
        "statements": load.statements,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "errors": load.errors,
    }


class Ours:
    def __init__(self, database: str, workdir: Path, workers: int, threads: int) -> None:
        self.database, self.workdir = database, workdir
        self.workers, self.threads = workers, threads
        self.env = {
            **os.environ,
            "MASTERYPATH_DEMO": "1",
            "MASTERYPATH_DATA_DIR": str(workdir / "data"),
            "LOG_LEVEL": "ERROR",
        }
        if database.startswith("postgres"):
            self.env["DATABASE_URL"] = database
        else:
            self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.port = free_port()

    def prepare(self) -> str:
        if self.database.startswith("postgres"):
            import psycopg

            base, _, name = self.database.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        manage = [str(OURS_PY / "masterypath")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=self.env, check=True)
        # The demo district gives the client an owner, so every statement goes through the
        # student and target look-ups (its actors and activities name no demo student or
        # target, so they are stored unmapped, as most statements of a real tool are).
        subprocess.run([*manage, "seed_demo"], env=self.env, check=True, capture_output=True)
        out = subprocess.run(
            [*manage, "xapi-client", "create", "bench", "--owner", "demo-admin"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        username = out.split("username: ")[1].split()[0]
        password = out.split("password: ")[1].split()[0]
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(OURS_PY / "gunicorn"),
                "masterypath.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-k",
                "gthread",
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=self.workdir,
        )
        wait_for(self.port, "/xapi/about")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


class Ralph:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.store = workdir / "store"
        self.store.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_APP_DIR": str(workdir),
            "RALPH_AUTH_FILE": str(workdir / "auth.json"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.store),
        }
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def prepare(self) -> str:
        subprocess.run(
            [
                str(RALPH_PY / "ralph"),
                "auth",
                "-u",
                "bench",
                "-p",
                "benchpass",
                "-s",
                "all",
                "-M",
                "mailto:bench@example.org",
                "-w",
            ],
            env=self.env,
            check=True,
            capture_output=True,
        )
        return "Basic " + base64.b64encode(b"bench:benchpass").decode()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(RALPH_PY / "python"), "-c", RALPH_SERVER, str(self.port)],
            env=self.env,
            cwd=self.workdir,
        )
        wait_for(self.port, "/__heartbeat__")

    def clear(self) -> None:
        for item in self.store.iterdir():
            item.unlink()

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def warm(port: int, path: str, auth: str) -> None:
    measure(port, path, auth, batch=1, concurrency=1, seconds=0.5)


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rates = [r["statements_per_s"] for r in runs]
    p95 = [r["p95_ms"] for r in runs]
    p50 = [r["p50_ms"] for r in runs]
    return {
        "median": statistics.median(rates),
        "min": min(rates),
        "max": max(rates),
        "p50_ms": statistics.median(p50),
        "p95_ms": statistics.median(p95),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/xapi_bench",
        help="database URL for our PostgreSQL run ('' to skip)",
    )
    parser.add_argument("--skip-ralph", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_ralph and not (RALPH_PY / "ralph").exists():
        sys.exit("ralph is not installed: run benchmarks/setup_ralph.sh first")
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "concurrency": args.concurrency,
        "seconds_per_run": args.seconds,
        "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
        "load_average_before": os.getloadavg(),
        "lrs": {},
    }
    work = Path(tempfile.mkdtemp(prefix="xapi-bench-"))
    servers: list[tuple[str, Any]] = []
    if not args.skip_ralph:
        servers.append(("ralph 5.1 (fs)", Ralph(work / "ralph")))
    if not args.skip_sqlite:
        servers.append(
            ("ours, SQLite", Ours("sqlite", work / "sqlite", args.workers, args.threads))
        )
    if args.postgres:
        servers.append(
            ("ours, PostgreSQL", Ours(args.postgres, work / "postgres", args.workers, args.threads))
        )
    try:
        for name, server in servers:
            (server.workdir).mkdir(parents=True, exist_ok=True)
            auth = server.prepare()
            server.start()
            path = "/xAPI/statements" if isinstance(server, Ralph) else "/xapi/statements"
            try:
                warm(server.port, path, auth)
                entry = {}
                modes = [("single", 1), ("batch of 100", 100)]
                if not isinstance(server, Ralph):
                    modes.append(("state PUT", 0))
                for label, batch in modes:
                    runs = []
                    for _ in range(args.runs):
                        if isinstance(server, Ralph):
                            server.clear()
                        runs.append(
                            measure(server.port, path, auth, batch, args.concurrency, args.seconds)
                        )
                    entry[label] = summary(runs)
                    print(
                        f"{name:18} {label:13} {entry[label]['median']:9.0f}/s "
                        f"p95 {entry[label]['p95_ms']:.1f} ms",
                        flush=True,
                    )
                results["lrs"][name] = entry
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()
    report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


def report(results: dict[str, Any]) -> None:
    ralph = results["lrs"].get("ralph 5.1 (fs)")
    before = " ".join(f"{x:.1f}" for x in results["load_average_before"])
    after = " ".join(f"{x:.1f}" for x in results["load_average_after"])
    print(
        f"\nxAPI ingestion, {results['concurrency']} concurrent clients, "
        f"{results['machine']}, {results['server']}; load average {before} before, "
        f"{after} after"
    )
    print(
        "| LRS | mode | statements (or documents)/s, median, min-max | p50 ms | p95 ms | x ralph |"
    )
    print("|---|---|---|---|---|---|")
    for name, entry in results["lrs"].items():
        for mode, row in entry.items():
            ratio = ""
            if ralph and name != "ralph 5.1 (fs)" and mode in ralph:
                ratio = f"{row['median'] / ralph[mode]['median']:.1f}x"
            errors = sum(sum(r["errors"].values()) for r in row["runs"])
            note = f" ({errors} errors)" if errors else ""
            print(
                f"| {name} | {mode} | {row['median']:,.0f} ({row['min']:,.0f}-{row['max']:,.0f})"
                f"{note} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {ratio} |"
            )


if __name__ == "__main__":
    main()
