"""The processes a scenario drives: a Kafka cluster (scripts/kafka.sh) and gateway instances.

Only processes started here are signalled, always by their own pid.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time


class KafkaCluster:
    """A cluster run by scripts/kafka.sh in its own state directory (KAFKA_DIR).

    The jars are not downloaded again: kafka.sh looks for them in $KAFKA_DIR/libs, so that
    is a symlink to the repository's .kafka/libs when it exists (kafka.sh checks them
    against kafka/pom.xml and fetches only if they are incomplete). The compiled format
    helper (.kafka/classes) is copied, so that formatting needs one JVM, not one per node.
    kafka.sh's progress messages go to `log_path`."""

    def __init__(self, repo: str, kafka_dir: str, brokers: int, port_base: int, log_path: str):
        self.repo = repo
        self.kafka_dir = kafka_dir
        self.brokers = brokers
        self.port_base = port_base
        self.log_path = log_path
        self.bootstrap = ""
        self.retries: list[str] = []  # work-arounds applied, for the report
        self.script = os.path.join(repo, "scripts", "kafka.sh")

    def _prepare_dir(self) -> None:
        os.makedirs(self.kafka_dir, exist_ok=True)
        shared = os.path.join(self.repo, ".kafka")
        libs = os.path.join(self.kafka_dir, "libs")
        if os.path.isdir(os.path.join(shared, "libs")) and not os.path.exists(libs):
            os.symlink(os.path.join(shared, "libs"), libs)
        classes = os.path.join(self.kafka_dir, "classes")
        if os.path.isdir(os.path.join(shared, "classes")) and not os.path.exists(classes):
            # copy2 keeps the mtimes: kafka.sh recompiles only if the class is older
            # than FormatAll.java or the jars.
            shutil.copytree(os.path.join(shared, "classes"), classes, copy_function=shutil.copy2)

    def _run(self, *args: str, timeout: float = 300) -> str:
        env = dict(os.environ, KAFKA_DIR=self.kafka_dir)
        with open(self.log_path, "ab") as log:
            log.write(f"\n$ kafka.sh {' '.join(args)}\n".encode())
            log.flush()
            p = subprocess.run([self.script, *args], env=env, stdout=subprocess.PIPE,
                               stderr=log, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"kafka.sh {' '.join(args)} failed (exit {p.returncode}); "
                               f"see {self.log_path}")
        return p.stdout.decode().strip()

    def start(self) -> str:
        """Starts a fresh cluster (new data) and returns its bootstrap servers."""
        self._prepare_dir()
        # A cluster left running by an interrupted run would be reused by `start` with its
        # old data: stop it first (a no-op when nothing runs).
        self._run("stop")
        for attempt in range(1, 4):
            mark = os.path.getsize(self.log_path)
            try:
                out = self._run("start", "--brokers", str(self.brokers),
                                "--port-base", str(self.port_base))
                break
            except RuntimeError:
                with open(self.log_path, "rb") as f:
                    f.seek(mark)
                    tail = f.read().decode("utf-8", "replace")
                # Known kafka.sh bug: the random cluster id starts with '-' once in 64
                # starts, and the storage tool takes it for an option ("argument
                # --cluster-id/-t: expected one argument"). A new start draws a new id.
                if "--cluster-id/-t: expected one argument" not in tail or attempt == 3:
                    raise
                self.retries.append("kafka.sh start: the cluster id began with '-' "
                                    "(kafka.sh bug); started again")
        self.bootstrap = out.splitlines()[-1].strip()
        return self.bootstrap

    def kill_broker(self, node: int) -> None:
        self._run("kill-broker", str(node))

    def start_broker(self, node: int) -> None:
        self._run("start-broker", str(node))

    def stop(self) -> None:
        self._run("stop")

    def teardown(self) -> None:
        """Ends a throw-away cluster quickly: SIGKILL every node (`kill-broker`), then `stop`
        for what is left. A clean `stop` of 3 nodes takes 6-9 s (the raft leader waits for
        voters already gone); the data is deleted or only inspected afterwards anyway."""
        for node in range(1, self.brokers + 1):
            try:
                self._run("kill-broker", str(node), timeout=60)
            except RuntimeError:
                pass  # not running (e.g. a failed start)
        self._run("stop")

    def remove_data(self) -> None:
        """Deletes the nodes' data (partition logs), keeping their server.log files."""
        for name in os.listdir(self.kafka_dir):
            data = os.path.join(self.kafka_dir, name, "data")
            if name.startswith("node") and os.path.isdir(data):
                shutil.rmtree(data, ignore_errors=True)


_ASSIGNED = re.compile(r"kafka consumer: assigned (\d+) partitions \((\d+) in all\)")
_REVOKED = re.compile(r"kafka consumer: (revoking|lost) (\d+) partitions")
_STOPPED = re.compile(r"kafka pipeline: stopped \((.*)\)")


class GatewayInstance:
    """One gateway instance (`gateway run --config FILE`), restartable.

    Each start is an incarnation with its own log file (stdout and stderr) in `workdir`.
    The gateway logs no per-record lines; what it logs and this class reads:
      "kafka consumer: assigned N partitions (M in all)"   after each (incremental) assignment
      "kafka consumer: revoking|lost N partitions"
      "kafka pipeline: stopped (drained; K outputs abandoned; final commit succeeded)"
    """

    def __init__(self, name: str, binary: str, config: str, workdir: str):
        self.name = name
        self.binary = binary
        self.config = config
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.incarnation = 0
        self.log_path = ""
        self.history: list[dict] = []  # one entry per incarnation

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        assert not self.running
        self.incarnation += 1
        self.log_path = os.path.join(self.workdir, f"{self.name}-{self.incarnation}.log")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary, "run", "--config", self.config],
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=self.workdir)
        log.close()  # the child has its own copy
        self.history.append({"incarnation": self.incarnation, "pid": self.proc.pid,
                             "started": time.time(), "log": self.log_path})

    def log_text(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def assigned_partitions(self) -> int | None:
        """Partitions held according to the last assign line of this incarnation's log."""
        m = None
        for m in _ASSIGNED.finditer(self.log_text()):
            pass
        return int(m.group(2)) if m else None

    def wait_assigned(self, timeout: float) -> float | None:
        """Waits until this incarnation logged an assignment; returns the seconds waited."""
        t0 = time.time()
        while time.time() - t0 < timeout:
            if not self.running:
                raise RuntimeError(f"gateway {self.name} exited with {self.proc.returncode} "
                                   f"while starting; see {self.log_path}")
            if self.assigned_partitions():
                return time.time() - t0
            time.sleep(0.1)
        return None

    def kill(self) -> None:
        """SIGKILL."""
        if not self.running:
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._record_exit("SIGKILL", 0.0)

    def terminate(self, timeout: float = 60) -> tuple[int, float]:
        """SIGTERM, wait for the exit; SIGKILL after `timeout`. Returns (exit code, seconds)."""
        if not self.running:
            return self.proc.returncode if self.proc else 0, 0.0
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
            sig = "SIGTERM"
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            rc = self.proc.wait()
            sig = "SIGTERM (timed out, then SIGKILL)"
        took = time.time() - t0
        self._record_exit(sig, took)
        return rc, took

    def _record_exit(self, how: str, took: float) -> None:
        h = self.history[-1]
        h.update(ended=time.time(), how=how, exit_code=self.proc.returncode,
                 stop_seconds=round(took, 2))
        text = self.log_text()
        h["assign_events"] = len(_ASSIGNED.findall(text))
        h["revoke_events"] = len(_REVOKED.findall(text))
        m = _STOPPED.search(text)
        h["stop_report"] = m.group(1) if m else None
        h["warnings"] = text.count("[warning]")
        h["errors"] = text.count("[error]") + text.count("[critical]")
