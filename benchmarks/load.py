"""Throughput and tail under load: our webhook and the bare wechatpy view, each on gunicorn, alternated.

Both run as `gunicorn --preload` with 2 workers of 4 threads (gthread, as deploy/community-web.service
runs them) on loopback, in safe (AES) mode; ours in production settings on a fresh database (SQLite
file, or a PostgreSQL schema made and dropped). The same load generator, wrk (Debian's `wrk` package),
sends each round a fresh list of signed messages: residents' visits of a first question (a new
resident), more FAQ questions and a problem report's form steps, interleaved so that each resident's
messages arrive in order. Rounds alternate bare, ours, bare, ours.
Then: unshared memory (PSS) of our workers, and how soon a server whose workers were all killed
answers a message again.
Usage: .venv/bin/python benchmarks/load.py [--seconds 10] [--rounds 2] [--connections 8] [--database URL]
       [--workers 2] [--threads 4] [--access-log]   (the last: gunicorn writes an access line per request, as
       deploy/community-web.service does, to a file)
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from reliability import drop_schema, free_port, new_schema, workers_of
from traffic import SETTINGS, VISIT, new_residents, visits

from bot.wechat.simulate import SignedRequest, WeChatSide

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = """
local threads, made = {}, 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end
function init(args)
  local count, i = tonumber(args[2]), 0
  requests, at, wrapped = {}, 0, 0
  for line in io.lines(args[1]) do
    if i % count == id then
      local path, body = line:match("([^\\t]*)\\t(.*)")
      requests[#requests + 1] = wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
    end
    i = i + 1
  end
end
function request()
  at = at + 1
  if at > #requests then at, wrapped = 1, wrapped + 1 end
  return requests[at]
end
function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do wraps = wraps + thread:get("wrapped") end
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "max": %f, ' ..
    '"errors": %d, "wrapped": %d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect + e.read + e.write + e.timeout + e.status, wraps))
end
"""


def start(name: str, app: str, port: int, env: dict[str, str], folder: Path,
          args: argparse.Namespace) -> subprocess.Popen[bytes]:
    extra = ["--threads", str(args.threads)] if args.threads > 1 else []
    if args.access_log:
        extra += ["--access-logfile", str(folder / f"{name}-access.log")]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "--log-level", "warning", *extra, "--pythonpath", str(ROOT / "benchmarks"), app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=open(folder / f"{name}-gunicorn.log", "wb"))  # the child holds it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name}: gunicorn exited; see {folder / f'{name}-gunicorn.log'}")
        if len(workers_of(process.pid)) == args.workers and answers(port, None):
            return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name}: gunicorn did not start within 120 s")


def answers(port: int, signed: SignedRequest | None) -> bool:
    """True when the server answers (a message with an encrypted reply, or anything at all)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        if signed is None:
            connection.request("GET", "/healthz")
            return connection.getresponse().status < 500
        connection.request("POST", signed.url, body=signed.body, headers={"Content-Type": "text/xml"})
        response = connection.getresponse()
        return response.status == 200 and b"<Encrypt>" in response.read()
    except OSError:
        return False
    finally:
        connection.close()


def cpu_seconds(master: int) -> float:
    """CPU time the server (its master and workers) has used: per message it hardly depends on what else
    the machine runs, unlike the rate."""
    total = 0.0
    for pid in (master, *workers_of(master)):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wrk_round(server: int, port: int, requests: list[SignedRequest], seconds: int, connections: int,
              folder: Path) -> dict:
    listing, script = folder / "requests.tsv", folder / "load.lua"
    listing.write_text("".join(f"{r.url}\t{r.body.decode()}\n" for r in requests), encoding="utf-8")
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    threads = min(2, connections)
    cpu = cpu_seconds(server)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}",
         "--", str(listing), str(threads)], capture_output=True, text=True, check=True).stdout
    return {**json.loads(out.split("RESULT ", 1)[1]), "cpu": cpu_seconds(server) - cpu}


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def restart_seconds(server: subprocess.Popen[bytes], port: int, side: WeChatSide) -> float:
    """Both workers killed at once; the time until a message is answered again."""
    probe = new_residents(side, 1, f"restart-{uuid.uuid4().hex[:6]}")[0]
    victims = workers_of(server.pid)
    killed = time.perf_counter()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    while not answers(port, probe):
        time.sleep(0.002)
    return time.perf_counter() - killed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10, help="per round")
    parser.add_argument("--rounds", type=int, default=2, help="per server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database", help="a PostgreSQL server URL (a schema is made and dropped); default SQLite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="1: gunicorn's sync worker; more: gthread")
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    side = WeChatSide(SETTINGS["WECHAT_TOKEN"], SETTINGS["WECHAT_ENCODING_AES_KEY"], SETTINGS["WECHAT_APP_ID"])
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    schema, url = new_schema(args.database) if args.database else ("", f"sqlite:///{folder}/load.db")
    env = {**SETTINGS, "APP_ENV": "production", "WECHAT_APP_SECRET": "bench-secret", "SECRET_KEY": uuid.uuid4().hex,
           "DATABASE_URL": url, "WECHAT_API_BASE_URL": "http://127.0.0.1:9", "INSTANCE_DIR": str(folder)}
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for name, app in (("bare", "traffic:bare_app()"), ("ours", "wsgi:app")):
            port = free_port()
            servers[name] = (start(name, app, port, env, folder, args), port)
        # Enough distinct messages that no round runs out (a repeat would be a cheap dedup hit).
        residents = max(100, 2000 * args.seconds // len(VISIT))
        results: dict[str, list[dict]] = {"bare": [], "ours": []}
        for round_ in range(args.rounds):
            for name in ("bare", "ours"):
                requests = visits(side, residents, f"{name}{round_}-{uuid.uuid4().hex[:6]}")
                server, port = servers[name]
                results[name].append(wrk_round(server.pid, port, requests, args.seconds, args.connections, folder))
        ours, port = servers["ours"]
        pss = [pss_mib(pid) for pid in workers_of(ours.pid)]
        restarts = [restart_seconds(ours, port, side) for _ in range(3)]
    finally:
        for process, _port in servers.values():
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        if schema:
            drop_schema(args.database, schema)
        shutil.rmtree(folder, ignore_errors=True)
    report(args, results, pss, restarts)


def report(args: argparse.Namespace, results: dict[str, list[dict]], pss: list[float], restarts: list[float]) -> None:
    database = "PostgreSQL" if args.database else "SQLite"
    kind = f"{args.threads} threads each" if args.threads > 1 else "sync"
    print(f"gunicorn --preload, {args.workers} workers ({kind}){', access log' if args.access_log else ''}, "
          f"wrk {args.connections} connections, {args.seconds} s rounds, {database}; "
          f"mix: {len(VISIT)} messages per resident (1 new, 4 FAQ, 5 form steps)")
    for name in ("bare", "ours"):
        rounds = results[name]
        rates = " ".join(f"{r['requests'] / r['seconds']:.0f}" for r in rounds)
        p99 = " / ".join(f"{r['p99']:.1f}" for r in rounds)
        cpu = sum(r["cpu"] for r in rounds) / sum(r["requests"] for r in rounds) * 1000
        print(f"{name:<5} {statistics.median(r['requests'] / r['seconds'] for r in rounds):7.0f} msg/s "
              f"(rounds {rates})   p50 {statistics.median(r['p50'] for r in rounds):6.2f} ms   p99 {p99} ms   "
              f"CPU {cpu:.2f} ms/msg   errors {sum(r['errors'] for r in rounds)}   "
              f"list ran out {sum(r['wrapped'] for r in rounds)}×")
    print(f"ours: PSS per worker {' / '.join(f'{x:.0f}' for x in pss)} MiB; "
          f"all workers killed → answering again in {' / '.join(f'{x:.3f}' for x in restarts)} s")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine lowers these)")


if __name__ == "__main__":
    main()
