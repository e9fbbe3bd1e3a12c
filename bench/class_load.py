"""A simulated class on one machine: the memory each learner takes and how much everyone slows.

N learners (``--learners``, default 2 and 4) start together; each opens the notebooks named
(``--notebooks``, default 00, 05 and 12, matched by number in notebooks/) one after another,
each in a new ``python3`` kernel that runs its code cells in order, and keeps the last
``--open`` (default 3) kernels open as a learner keeps tabs open, shutting older ones down.
A one-learner run always comes first: the slow-downs are against it.

``--via hub`` (the default once ``make bench-class`` has installed the ``hub`` extra and the
proxy into .hub/) runs the class through a real JupyterHub started here on 127.0.0.1:
``SimpleLocalProcessSpawner``, one temporary home per learner (so each has its own
``~/.vaelearn``), users created, servers started, kernels started and cells executed through
the hub's REST API, the proxy and the kernels' websockets, with a service token. ``--via
kernels`` starts the same kernels directly with jupyter_client (no hub, no server), for
comparison. Every kernel gets ``VAELEARN_DATASET`` (``--dataset``) and the learner's home as
``HOME``, and TensorFlow's log setting left alone. Through the hub the rest of a server's
environment is the spawner's usual few variables, so thread limits set here do not reach it;
kernels started directly inherit this process's environment.

A thread reads every 0.5 s, from ``/proc/<pid>/smaps_rollup`` (Linux), the unique (USS) and
proportional (PSS) memory of each open kernel, of each learner's server and of the hub and
proxy. Per kernel: wall time (kernel start to last reply), peak USS, USS 2 s after its last
cell (while it stays open), the same two for its anonymous memory, and its peak resident set
(``VmHWM``). A kernel's USS counts TensorFlow's libraries (about 380 MiB) while no other
process maps them (the one learner's first notebook); its anonymous memory (heap, arrays,
the allocators' pools) is private either way, and is what each further kernel adds. Per learner: the peak of its
processes' summed PSS, and that sum once its last notebook is done with ``--open`` notebooks
open. Per run: mean wall time per notebook and the slow-down against one learner; the class's
peak PSS, hub and proxy included. The last line is ``class_load: {json}``.

    make bench-class                 # installs the hub, then about 10 minutes on 2 idle cores
    .venv/bin/python bench/class_load.py --via kernels --learners 2 --notebooks 00
    .venv/bin/python bench/class_load.py --quick      # a smoke run (kernels, a tiny notebook)
"""

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import _common as c
import nbformat
import psutil
from course_runtime import peak_rss_mib
from jupyter_client.manager import AsyncKernelManager
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

NOTEBOOKS = c.ROOT / "notebooks"
PROXY = c.ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
SAMPLE_EVERY_S = 0.5
FINAL_READ_AFTER_S = 2.0
START_TIMEOUT_S = 300  # a server or kernel starting while the others train
HUB_SCOPES = ["admin:users", "admin:servers", "admin:server_state", "access:servers",
              "read:users", "read:servers"]
STARTED = []  # psutil.Process of everything this run started: killed if still alive at the end


@dataclass
class KernelRun:
    """One notebook in one kernel of one learner."""
    notebook: str
    pid: int = 0
    handle: object = None
    open: bool = True
    wall_s: float = 0.0
    peak_uss: float = 0.0
    final_uss: float = None
    peak_anon: float = 0.0
    final_anon: float = None
    peak_rss: float = None
    error: str = None


@dataclass
class Learner:
    """A learner's processes and what was measured of them."""
    name: str
    home: Path
    server_pid: int = None
    server_start_s: float = None
    total_s: float = 0.0
    kernels: list = field(default_factory=list)
    peak_pss: float = 0.0
    open_pss: float = None


def memory_mib(pid):
    """(USS, PSS, anonymous) memory of process ``pid`` in MiB, or None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kib = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in text.splitlines()[1:])}
    if "Pss" not in kib:  # a process that is exiting
        return None
    return ((kib["Private_Clean"] + kib["Private_Dirty"]) / 1024, kib["Pss"] / 1024,
            kib["Anonymous"] / 1024)


def pss_mib(pid):
    mem = memory_mib(pid) if pid else None
    return mem[1] if mem else 0.0


def learner_pss(learner):
    """The summed PSS of a learner's open kernels and server, in MiB (updates peak USS)."""
    total = pss_mib(learner.server_pid)
    for kernel in tuple(learner.kernels):
        mem = memory_mib(kernel.pid) if kernel.open else None
        if mem:
            kernel.peak_uss = max(kernel.peak_uss, mem[0])
            kernel.peak_anon = max(kernel.peak_anon, mem[2])
            total += mem[1]
    return total


def track(pid):
    STARTED.append(psutil.Process(pid))


def kill_leftovers():
    """Kill whatever this run started that is still alive (after an error or Ctrl-C)."""
    alive = [p for p in STARTED if p.is_running()]
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=10)


class Sampler:
    """Reads the memory of a run's processes every ``SAMPLE_EVERY_S`` in a thread."""

    def __init__(self, learners, infra_pids):
        self.learners, self.infra_pids = learners, infra_pids
        self.infra_peak = self.class_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(SAMPLE_EVERY_S):
            infra = sum(pss_mib(pid) for pid in self.infra_pids)
            learners = 0.0
            for learner in self.learners:
                pss = learner_pss(learner)
                learner.peak_pss = max(learner.peak_pss, pss)
                learners += pss
            self.infra_peak = max(self.infra_peak, infra)
            self.class_peak = max(self.class_peak, learners + infra)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def error_text(content):
    return f"{content.get('ename')}: {content.get('evalue', '')}"[:120]


class LocalKernels:
    """A learner's kernels started directly by jupyter_client: no hub, no server."""

    def __init__(self, learner, dataset):
        self.learner, self.kernels = learner, []
        self.env = {**os.environ, "HOME": str(learner.home), "VAELEARN_DATASET": dataset}
        self.env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # set by _common for this process only

    async def open(self):
        pass

    async def start_kernel(self, notebook):
        manager = AsyncKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=str(self.learner.home), env=self.env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        track(manager.provisioner.pid)
        client = manager.client()
        client.start_channels()
        self.kernels.append((manager, client))
        await client.wait_for_ready(timeout=START_TIMEOUT_S)
        return (manager, client), manager.provisioner.pid

    async def execute(self, handle, code, timeout):
        try:
            reply = await handle[1].execute_interactive(code, timeout=timeout, allow_stdin=False,
                                                        output_hook=lambda msg: None)
        except TimeoutError:
            return f"no reply in {timeout} s"
        content = reply["content"]
        return error_text(content) if content["status"] != "ok" else None

    async def shutdown(self, handle):
        self.kernels.remove(handle)
        manager, client = handle
        client.stop_channels()
        await manager.shutdown_kernel()

    async def close(self):
        for handle in list(self.kernels):
            await self.shutdown(handle)


class Hub:
    """A JupyterHub on 127.0.0.1 in ``folder``, driven through its REST API with a service token."""

    def __init__(self, folder, dataset):
        self.folder, self.dataset = folder, dataset
        self.port, self.token, self.process = free_port(), secrets.token_hex(32), None
        self.url = f"http://127.0.0.1:{self.port}"
        self.homes = folder / "homes"

    def write_config(self):
        settings = {
            "JupyterHub.bind_url": self.url,
            "JupyterHub.hub_bind_url": f"http://127.0.0.1:{free_port()}",
            "JupyterHub.db_url": f"sqlite:///{self.folder / 'jupyterhub.sqlite'}",
            "JupyterHub.cookie_secret_file": str(self.folder / "cookie_secret"),
            "JupyterHub.pid_file": str(self.folder / "jupyterhub.pid"),
            "JupyterHub.authenticator_class": "null",
            "JupyterHub.spawner_class": "simple",
            "JupyterHub.services": [{"name": "class-load", "api_token": self.token}],
            "JupyterHub.load_roles": [{"name": "class-load", "scopes": HUB_SCOPES,
                                       "services": ["class-load"]}],
            "ConfigurableHTTPProxy.command": [str(PROXY)],
            "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.pid_file": str(self.folder / "proxy.pid"),
            "SimpleLocalProcessSpawner.home_dir_template": str(self.homes / "{username}"),
            "Spawner.cmd": [str(BIN / "jupyterhub-singleuser")],
            # Containers often run as root, where Jupyter Server refuses to start unless told.
            "Spawner.args": ["--ServerApp.allow_root=True"] if os.getuid() == 0 else [],
            "Spawner.environment": {"VAELEARN_DATASET": self.dataset},
            "Spawner.start_timeout": START_TIMEOUT_S,
            "Spawner.http_timeout": START_TIMEOUT_S,
        }
        lines = [f"c.{key} = {value!r}" for key, value in settings.items()]
        config = self.folder / "jupyterhub_config.py"
        config.write_text("\n".join(lines) + "\n")
        return config

    async def start(self, usernames):
        config = self.write_config()
        self.log = self.folder / "jupyterhub.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)],
                                            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        track(self.process.pid)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (self.folder / "proxy.pid").exists() or not await self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not start; its log ends:\n{self.log_tail()}")
            await asyncio.sleep(0.5)
        self.proxy_pid = int((self.folder / "proxy.pid").read_text())
        track(self.proxy_pid)
        await self.request("POST", "/hub/api/users", {"usernames": usernames})

    async def answers(self):
        try:
            await self.request("GET", "/hub/api/")
            return True
        except (OSError, RuntimeError):
            return False

    def log_tail(self, lines=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def request(self, method, path, body=None):
        """The JSON answer to an API request (through the proxy), or None when it has none."""
        request = HTTPRequest(self.url + path, method=method, headers=self.headers(),
                              body=None if body is None else json.dumps(body),
                              allow_nonstandard_methods=True, request_timeout=START_TIMEOUT_S)
        response = await AsyncHTTPClient().fetch(request, raise_error=False)
        if response.code >= 400 or response.code == 599:
            raise RuntimeError(f"{method} {path}: {response.code} {response.body!r:.300}")
        return json.loads(response.body) if response.body else None

    def headers(self):
        return {"Authorization": f"token {self.token}"}

    def stop(self):
        """Stop the hub (it stops the proxy and any server left) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class HubKernels:
    """A learner's server on the hub, and kernels in it driven through the proxy's websockets."""

    def __init__(self, hub, learner):
        self.hub, self.learner, self.kernels = hub, learner, []
        self.user = f"/user/{learner.name}"

    async def open(self):
        await self.hub.request("POST", f"/hub/api/users/{self.learner.name}/server")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (server := await self.server()) or not server["ready"]:
            if (server and server["pending"] is None) or time.monotonic() > deadline:
                raise RuntimeError(f"{self.learner.name}'s server did not start; the hub's log "
                                   f"ends:\n{self.hub.log_tail()}")
            await asyncio.sleep(0.5)
        self.learner.server_pid = server["state"]["pid"]
        track(self.learner.server_pid)

    async def server(self):
        user = await self.hub.request("GET", f"/hub/api/users/{self.learner.name}")
        return user["servers"].get("")

    async def start_kernel(self, notebook):
        model = await self.hub.request("POST", f"{self.user}/api/kernels",
                                       {"name": "python3", "path": notebook})
        kernel_id = model["id"]
        self.kernels.append(kernel_id)
        pid = await self.kernel_pid(kernel_id)
        track(pid)
        url = f"ws://127.0.0.1:{self.hub.port}{self.user}/api/kernels/{kernel_id}/channels"
        socket_ = await websocket_connect(HTTPRequest(url, headers=self.hub.headers()),
                                          max_message_size=2**28)
        return (kernel_id, socket_), pid

    async def kernel_pid(self, kernel_id):
        """The kernel's process: the child of the learner's server whose command names it."""
        server = psutil.Process(self.learner.server_pid)
        for _ in range(120):
            for child in server.children():
                if any(kernel_id in arg for arg in child.cmdline()):
                    return child.pid
            await asyncio.sleep(0.25)
        raise RuntimeError(f"no process of kernel {kernel_id} under {self.learner.name}'s server")

    async def execute(self, handle, code, timeout):
        try:
            reply = await asyncio.wait_for(self.reply(handle[1], code), timeout)
        except asyncio.TimeoutError:
            return f"no reply in {timeout} s"
        if reply is None:
            return "the kernel's websocket closed"
        return error_text(reply) if reply["status"] != "ok" else None

    async def reply(self, socket_, code):
        """Send an execute_request; the content of its execute_reply (None if the socket closes)."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "username": self.learner.name,
                  "session": uuid.uuid4().hex, "version": "5.3",
                  "date": datetime.now(timezone.utc).isoformat()}
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        await socket_.write_message(json.dumps({"header": header, "parent_header": {},
                                                "metadata": {}, "content": content,
                                                "channel": "shell", "buffers": []}))
        while (raw := await socket_.read_message()) is not None:
            if isinstance(raw, bytes):  # a message with binary buffers (widgets): not a reply
                continue
            msg = json.loads(raw)
            if msg["channel"] == "shell" and msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        return None

    async def shutdown(self, handle):
        kernel_id, socket_ = handle
        self.kernels.remove(kernel_id)
        socket_.close()
        await self.hub.request("DELETE", f"{self.user}/api/kernels/{kernel_id}")

    async def close(self):
        """Stop the learner's server (its kernels with it) and wait until it has gone."""
        if self.learner.server_pid is None:
            return
        await self.hub.request("DELETE", f"/hub/api/users/{self.learner.name}/server")
        deadline = time.monotonic() + 60
        while await self.server() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)


def code_cells(path):
    """The source of each non-empty code cell of the notebook at ``path``."""
    return [cell.source for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code" and cell.source.strip()]


async def learn(session, learner, notebooks, open_tabs, cell_timeout):
    """One learner: start the server, then each notebook in a new kernel, keeping tabs open.

    ``notebooks``: {path: its code cells' sources}."""
    start = time.perf_counter()
    await session.open()
    learner.server_start_s = time.perf_counter() - start
    for path, cells in notebooks.items():
        kernel = KernelRun(path.name)
        began = time.perf_counter()
        kernel.handle, kernel.pid = await session.start_kernel(path.name)
        learner.kernels.append(kernel)
        for index, code in enumerate(cells, 1):
            if error := await session.execute(kernel.handle, code, cell_timeout):
                kernel.error = f"code cell {index}: {error}"
                break
        kernel.wall_s = time.perf_counter() - began
        await asyncio.sleep(FINAL_READ_AFTER_S)
        kernel.final_uss, _, kernel.final_anon = memory_mib(kernel.pid) or (None, None, None)
        kernel.peak_rss = peak_rss_mib(kernel.pid)
        open_kernels = [k for k in learner.kernels if k.open]
        for old in open_kernels[:-open_tabs]:
            old.open = False
            await session.shutdown(old.handle)
    learner.open_pss = learner_pss(learner)
    learner.total_s = time.perf_counter() - start


async def class_run(n, via, hub, folder, args, notebooks):
    """N learners at once; returns the learners and the run's sampler."""
    learners = [Learner(f"learner{i}", folder / "homes" / f"learner{i}") for i in range(1, n + 1)]
    for learner in learners:
        learner.home.mkdir(parents=True)
        for path in notebooks:
            shutil.copy(path, learner.home)
    sessions = [HubKernels(hub, learner) if via == "hub" else LocalKernels(learner, args.dataset)
                for learner in learners]
    infra = [hub.process.pid, hub.proxy_pid] if via == "hub" else []
    with Sampler(learners, infra) as sampler:
        try:
            await asyncio.gather(*(learn(session, learner, notebooks, args.open, args.cell_timeout)
                                   for session, learner in zip(sessions, learners)))
        finally:
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    for learner in learners:
        shutil.rmtree(learner.home, ignore_errors=True)
    return learners, sampler


async def measure(via, folder, args, notebooks, sizes):
    """Every run, one learner first, in one hub (or none); {n: (learners, sampler)}."""
    hub = Hub(folder, args.dataset) if via == "hub" else None
    try:
        if hub:
            await hub.start([f"learner{i}" for i in range(1, max(sizes) + 1)])
        runs = {}
        for n in sizes:
            runs[n] = await class_run(n, via, hub, folder, args, notebooks)
            print(f"  {n} learner(s): done", flush=True)
        return runs
    finally:
        if hub:
            hub.stop()


def fmt(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"


def report(runs, via, open_tabs):
    """Print the three tables; return the summary for the last line."""
    reference = {k.notebook: k.wall_s for k in runs[1][0][0].kernels}
    kernel_rows, learner_rows, run_rows, slowdown = [], [], [], {}
    for n, (learners, sampler) in runs.items():
        kernels = [k for learner in learners for k in learner.kernels]
        for learner in learners:
            for k in learner.kernels:
                kernel_rows.append([n, learner.name, k.notebook, fmt(k.wall_s, 1),
                                    fmt(k.wall_s / reference[k.notebook], 2),
                                    fmt(k.peak_uss), fmt(k.final_uss), fmt(k.peak_anon),
                                    fmt(k.final_anon), fmt(k.peak_rss),
                                    f"error: {k.error}" if k.error else "ok"])
            server_start = learner.server_start_s if via == "hub" else None
            learner_rows.append([n, learner.name, fmt(server_start, 1),
                                 fmt(learner.total_s, 1), fmt(learner.peak_pss),
                                 fmt(learner.open_pss)])
        mean = sum(k.wall_s for k in kernels) / len(kernels)
        slowdown[n] = mean / (sum(reference.values()) / len(reference))
        run_rows.append([n, fmt(mean, 1), fmt(slowdown[n], 2),
                         fmt(max(k.peak_uss for k in kernels)),
                         fmt(max(k.final_uss or 0 for k in kernels)),
                         fmt(max(learner.open_pss or 0 for learner in learners)),
                         fmt(sampler.class_peak),
                         fmt(sampler.infra_peak) if via == "hub" else "n/a"])
    print(f"\nPer kernel (via {via}; memory in MiB; final USS {FINAL_READ_AFTER_S:.0f} s after the "
          "last cell, the kernel still open; 'vs 1' = wall / the one learner's):")
    c.print_table(kernel_rows, ["learners", "learner", "notebook", "wall s", "vs 1",
                                "peak USS", "final USS", "peak anon", "final anon", "peak RSS",
                                "status"])
    print(f"\nPer learner (via {via}; PSS of its kernels{' and server' if via == 'hub' else ''}, "
          f"MiB; 'with notebooks open': its last {open_tabs} kept open, after the last one):")
    c.print_table(learner_rows, ["learners", "learner", "server start s", "all notebooks s",
                                 "peak PSS", "PSS with notebooks open"])
    print(f"\nPer run (via {via}; MiB; the class's PSS: every learner's processes"
          f"{' + hub + proxy' if via == 'hub' else ''}):")
    c.print_table(run_rows, ["learners", "mean wall s per notebook", "slow-down",
                             "max peak kernel USS", "max final kernel USS",
                             "max learner PSS, notebooks open", "class peak PSS",
                             "hub + proxy peak PSS"])
    everything = [(learner, kernel) for learners, _ in runs.values() for learner in learners
                  for kernel in learner.kernels]
    return {
        "via": via,
        "slowdown": {str(n): round(s, 2) for n, s in slowdown.items() if n != 1},
        "max_peak_kernel_uss_mib": round(max(k.peak_uss for _, k in everything)),
        "max_final_kernel_uss_mib": round(max(k.final_uss or 0 for _, k in everything)),
        "max_peak_kernel_anon_mib": round(max(k.peak_anon for _, k in everything)),
        "max_final_kernel_anon_mib": round(max(k.final_anon or 0 for _, k in everything)),
        "max_learner_pss_open_mib": round(max(learner.open_pss or 0 for learner, _ in everything)),
        "max_learner_peak_pss_mib": round(max(learner.peak_pss for learner, _ in everything)),
        "hub_proxy_peak_pss_mib": (round(max(s.infra_peak for _, s in runs.values()))
                                   if via == "hub" else None),
        "failed": sum(k.error is not None for _, k in everything),
    }


def resolve_notebooks(names, parser):
    """Each name: a notebook file, or the number prefix of one in notebooks/."""
    paths = []
    for name in names:
        matches = [Path(name)] if Path(name).is_file() else sorted(NOTEBOOKS.glob(f"{name}*.ipynb"))
        if len(matches) != 1:
            parser.error(f"--notebooks {name}: {len(matches)} notebooks in {NOTEBOOKS} start with "
                         "it; give a number prefix such as 05, or a notebook's path")
        paths += matches
    return paths


def tiny_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import vaelearn\nimport numpy as np\n"
                                          "assert np.arange(10).sum() == 45")]
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def hub_ready():
    return importlib.util.find_spec("jupyterhub") is not None and PROXY.exists()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--via", choices=["hub", "kernels"],
                        help="through a JupyterHub, or kernels alone (default: hub if installed)")
    parser.add_argument("--learners", default="2,4",
                        help="class sizes after the one-learner run (default: %(default)s)")
    parser.add_argument("--notebooks", nargs="+", default=["00", "05", "12"],
                        help="number prefixes or paths (default: 00 05 12)")
    parser.add_argument("--open", type=int, default=3,
                        help="kernels a learner keeps open (default: %(default)s)")
    parser.add_argument("--dataset", default="mnist_sample",
                        help="VAELEARN_DATASET for every kernel (default: %(default)s)")
    parser.add_argument("--cell-timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: kernels, 1 then 2 learners, a one-cell notebook")
    args = parser.parse_args(argv)
    sizes = [1] + sorted({int(n) for n in args.learners.split(",")} - {1})
    if args.quick:
        args.via, sizes = "kernels", [1, 2]
    via = args.via or ("hub" if hub_ready() else "kernels")
    if args.via is None and via == "kernels":
        print("No JupyterHub or proxy installed (make bench-class): measuring with kernels alone.")
    if via == "hub" and not hub_ready():
        parser.error("--via hub needs the hub extra and .hub/'s proxy: run `make bench-class`")

    with tempfile.TemporaryDirectory(prefix="vaelearn-class-load-") as tmp:
        folder = Path(tmp)
        paths = [tiny_notebook(folder)] if args.quick else resolve_notebooks(args.notebooks, parser)
        notebooks = {path: code_cells(path) for path in paths}
        hub_info = f", JupyterHub {c._version('jupyterhub')}" if via == "hub" else ""
        print(f"Machine: {c.machine_info()}{hub_info}")
        print(f"Via {via}; dataset {args.dataset}; notebooks {', '.join(p.stem for p in paths)}"
              f"; {args.open} kept open; learners {', '.join(map(str, sizes))}")
        print(f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        start = time.perf_counter()
        # The hub and its servers run in sessions of their own: stopped like Ctrl-C, this
        # process still stops them.
        on_term = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            runs = asyncio.run(measure(via, folder, args, notebooks, sizes))
        finally:
            kill_leftovers()
            signal.signal(signal.SIGTERM, on_term)
    print(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{time.perf_counter() - start:.0f} s in all")
    summary = report(runs, via, args.open)
    print(f"class_load: {json.dumps(summary)}")
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
