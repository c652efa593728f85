"""A real Asterisk for tests: the build ``.ci/run`` makes, configured and started per test.

``CALLCENTER_ASTERISK_PREFIX`` names the prefix ``../shared/asterisk/build.sh`` installed into
(``.ci/run`` sets it; locally the CI cache dir is used when it holds a build). Without a
build the tests are skipped — unless ``CALLCENTER_REQUIRE_SERVICES=1``.

:class:`Asterisk` writes its own configuration, the way ``start.sh`` does, so a test can
change the dialplan, the queues and the manager users: queue ``115`` with FreePBX-style
Local-channel members, callers started by ``Originate`` into ``Local/s@callers``.
Everything waits for readiness signals (``core waitfullybooted``, an AMI login), never
for a fixed time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telephony.ami.client import ActionResult, AmiClient, AmiConfig
from tests.support.services import unavailable
from tests.support.waiting import wait_for, wait_for_port

DEFAULT_PREFIX = Path("/var/cache/callcenter/asterisk-20.20.1")
PORTS = range(25100, 25200)  # reserved for these tests on the CI machine
DRIVER = ("driver", "driver-secret")  # the test's own all-powerful AMI user
BOOT_SECONDS = 30.0


def asterisk_prefix() -> Path:
    configured = os.environ.get("CALLCENTER_ASTERISK_PREFIX")
    prefix = Path(configured) if configured else DEFAULT_PREFIX
    if not (prefix / "usr/sbin/asterisk").is_file():
        unavailable(
            f"no Asterisk build in {prefix} (bash ../shared/asterisk/build.sh {prefix}; "
            "CALLCENTER_ASTERISK_PREFIX)"
        )
    return prefix


class PortLease:
    """A port of the reserved range, held (``flock``) until :meth:`release`: test runs of
    several checkouts at once never hand the same port to two Asterisks."""

    def __init__(self) -> None:
        for port in PORTS:
            handle = (Path(tempfile.gettempdir()) / f"callcenter-asterisk-{port}.lock").open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            if _bindable(port):
                self.port, self._handle = port, handle
                return
            handle.close()
        raise RuntimeError(f"no free port in {PORTS}")

    def release(self) -> None:
        self._handle.close()


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class ManagerUser:
    secret: str
    read: str = "all"
    write: str = "all"


QUEUES = """\
[general]
persistentmembers = no
shared_lastcall = no

[115]
strategy = rrmemory
timeout = 2
retry = 0
wrapuptime = 0
servicelevel = 30
joinempty = yes
leavewhenempty = no
ringinuse = no
announce-frequency = 0
autofill = yes
member => Local/2101@agents/n,0,Petra Schulz
member => Local/2102@agents/n,0,Deniz Yilmaz
member => Local/2103@agents/n,0,Jan Kowalski
member => Local/2104@agents/n,0,Sabine Krüger
member => Local/2109@agents/n,0,Nie Erreichbar

[115-nacht]
; Only a member who never answers: every call rings out, then times out or is abandoned.
strategy = ringall
timeout = 2
retry = 0
joinempty = yes
leavewhenempty = no
announce-frequency = 0
member => Local/2109@agents/n,0,Nie Erreichbar
"""

# Members answer after ${RING} seconds and hang up after ${TALK} (both inherited from the
# caller, so each call decides); 2109 never answers. A caller (Originate into Local/s@callers)
# joins ${QUEUE} with the timeout ${QMAX}; its far end, the citizen, hangs up after ${HOLD}.
DIALPLAN = """\
[agents]
exten => _21XX,1,Wait(${IF($["${RING}" = ""]?1:${RING})})
 same => n,Answer()
 same => n,Wait(${IF($["${TALK}" = ""]?3:${TALK})})
 same => n,Hangup()
exten => 2109,1,Wait(600)
 same => n,Hangup()

[callers]
exten => s,1,Set(CALLERID(all)=${CID})
 same => n,Answer()
 same => n,Queue(${IF($["${QUEUE}" = ""]?115:${QUEUE})},,,,${QMAX})
 same => n,UserEvent(QueueResult,Status: ${QUEUESTATUS})
 same => n,Hangup()

[citizen]
exten => s,1,Answer()
 same => n,Wait(${HOLD})
 same => n,Hangup()

; Callbacks: the agent's member rings first, then the citizen's number is dialled here.
[callback]
exten => _X.,1,Answer()
 same => n,Wait(${IF($["${CITIZEN_TALK}" = ""]?2:${CITIZEN_TALK})})
 same => n,Hangup()
exten => _+X.,1,Goto(callback,${EXTEN:1},1)
"""


@dataclass
class Asterisk:
    """One Asterisk process with its own configuration, run dir and AMI port."""

    prefix: Path
    users: Mapping[str, ManagerUser] = field(default_factory=dict)
    queues: str = QUEUES
    dialplan: str = DIALPLAN
    lease: PortLease = field(default_factory=PortLease)
    run: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ast-")))
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return self.lease.port

    @property
    def binary(self) -> Path:
        return self.prefix / "usr/sbin/asterisk"

    @property
    def conf(self) -> Path:
        return self.run / "etc/asterisk.conf"

    @property
    def queue_log(self) -> Path:
        return self.run / "log/queue_log"

    def _env(self) -> dict[str, str]:
        lib = str(self.prefix / "usr/lib")
        existing = os.environ.get("LD_LIBRARY_PATH")
        return {**os.environ, "LD_LIBRARY_PATH": f"{lib}:{existing}" if existing else lib}

    def write_config(self) -> None:
        run, prefix = self.run, self.prefix
        for sub in ("etc", "lib", "spool", "run", "log"):
            (run / sub).mkdir(parents=True, exist_ok=True)
        (run / "etc/asterisk.conf").write_text(
            "[directories]\n"
            f"astetcdir => {run}/etc\nastmoddir => {prefix}/usr/lib/asterisk/modules\n"
            f"astvarlibdir => {run}/lib\nastdbdir => {run}/lib\nastkeydir => {run}/lib\n"
            f"astdatadir => {prefix}/var/lib/asterisk\nastagidir => {run}/lib/agi-bin\n"
            f"astspooldir => {run}/spool\nastrundir => {run}/run\nastlogdir => {run}/log\n"
            f"astsbindir => {prefix}/usr/sbin\n[options]\n"
        )
        (run / "etc/modules.conf").write_text(
            "[modules]\nautoload=yes\nnoload => res_ari.so\nnoload => res_stasis.so\n"
            "noload => res_http_websocket.so\nnoload => res_websocket_client.so\n"
        )
        (run / "etc/logger.conf").write_text(
            "[general]\nqueue_log = yes\nqueue_log_to_file = yes\n"
            "[logfiles]\nmessages => notice,warning,error\n"
        )
        users = {DRIVER[0]: ManagerUser(DRIVER[1]), **self.users}
        manager = [f"[general]\nenabled = yes\nport = {self.port}\nbindaddr = 127.0.0.1\n"]
        for name, user in users.items():
            manager.append(
                f"[{name}]\nsecret = {user.secret}\nread = {user.read}\nwrite = {user.write}\n"
                "writetimeout = 2000\n"
            )
        (run / "etc/manager.conf").write_text("".join(manager))
        (run / "etc/musiconhold.conf").write_text("[general]\n")
        (run / "etc/queues.conf").write_text(self.queues)
        (run / "etc/extensions.conf").write_text(self.dialplan)

    def start(self) -> None:
        """Start and wait until Asterisk is fully booted and its AMI answers."""
        if self.process is None:
            self.write_config()
        console = (self.run / "console.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.binary), "-C", str(self.conf), "-f", "-n", "-q"],
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._env(),
        )
        process = self.process
        try:
            wait_for(
                lambda: (
                    (self.run / "run/asterisk.ctl").exists()
                    and bool(self.cli("core waitfullybooted"))
                ),
                what="Asterisk to be fully booted",
                alive=lambda: process.poll() is None,
                poll=0.1,
            )
            wait_for_port("127.0.0.1", self.port, process=process)
        except AssertionError as exc:
            raise RuntimeError(f"{exc}: {self.console_tail()}") from exc

    def cli(self, command: str) -> str:
        """Run a CLI command through the control socket; '' when it is not up."""
        done = subprocess.run(
            [str(self.binary), "-C", str(self.conf), "-rx", command],
            capture_output=True,
            env=self._env(),
            timeout=BOOT_SECONDS,
            check=False,
        )
        return done.stdout.decode(errors="replace") if done.returncode == 0 else ""

    def kill9(self) -> None:
        """The crash: no Shutdown event, no queue_log line for the calls it had."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        with contextlib.suppress(FileNotFoundError):
            (self.run / "run/asterisk.ctl").unlink()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def console_tail(self) -> str:
        path = self.run / "console.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def cleanup(self) -> None:
        self.stop()
        self.lease.release()
        shutil.rmtree(self.run, ignore_errors=True)

    # --- driving it ------------------------------------------------------------------

    def config(self, username: str, secret: str, **overrides: Any) -> AmiConfig:
        """The adapter's settings for this Asterisk, with the intervals scaled down."""
        base = AmiConfig(
            host="127.0.0.1",
            port=self.port,
            username=username,
            secret=secret,
            ping_interval=1.0,
            action_timeout=5.0,
            backoff_initial=0.2,
            backoff_max=1.0,
            tick_interval=0.1,
        )
        return dataclasses.replace(base, **overrides)

    @contextlib.contextmanager
    def driver(self) -> Iterator[Driver]:
        client = AmiClient(self.config(*DRIVER, events="off"), lambda item: None)
        client.start()
        try:
            if not client.logged_in.wait(10):
                raise RuntimeError(f"driver login failed: {client.error}")
            yield Driver(client)
        finally:
            client.stop(2.0)


@dataclass
class Driver:
    """The test's own AMI session: starts callers, reads state. Not the adapter."""

    client: AmiClient

    def call(
        self,
        *,
        number: str,
        name: str,
        hold: float,
        qmax: int = 60,
        queue: str = "115",
        ring: float = 1,
        talk: float = 3,
    ) -> ActionResult:
        """A citizen calls: joins ``queue``, stays ``hold`` seconds after being put through
        to the queue; the answering member rings ``ring`` s and talks ``talk`` s."""
        return self.client.send_action(
            "Originate",
            {
                "Channel": "Local/s@callers",
                "Context": "citizen",
                "Exten": "s",
                "Priority": "1",
                "Async": "true",
            },
            variables={
                "__CID": f'"{name}" <{number}>',
                "HOLD": f"{hold:g}",
                "__QMAX": str(qmax),
                "__QUEUE": queue,
                "__RING": f"{ring:g}",
                "__TALK": f"{talk:g}",
            },
        )

    def members(self, queue: str = "115") -> list[dict[str, str]]:
        result = self.client.send_action("QueueStatus", {"Queue": queue})
        return [dict(item.headers) for item in result.items if item.event == "QueueMember"]

    def channels(self) -> list[dict[str, str]]:
        result = self.client.send_action("CoreShowChannels")
        return [dict(item.headers) for item in result.items if item.event == "CoreShowChannel"]
