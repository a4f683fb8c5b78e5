"""The processes of the scale-out test, each started by PID and stopped by it: a moto S3 server, two gunicorn web
processes and two Celery workers, all on `vision.settings.production` with STORAGE_BACKEND=s3, sharing the test
database (PostgreSQL), one redis-server (tests.documents.processes.Redis) and one bucket.

A child process also gets SIGTERM from the kernel if pytest itself dies (PR_SET_PDEATHSIG), so a killed run
leaves nothing behind."""

from __future__ import annotations

import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

from tests.documents import processes
from tests.documents.processes import ROOT, free_port, wait_until

# Every request comes through one name, as a load balancer gives both web processes the same Host: allauth keys
# its per-account login limit on the host (no sites framework), so this is what production sees too.
HOST = "vision.scaleout.test"
ORIGIN = f"https://{HOST}"
BUCKET = "vision-scaleout"
START_SECONDS = 90  # a cold Django (WeasyPrint, pyHanko) start on a loaded 2-core machine takes 5–20 s


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def tail(path: Path, chars: int = 3000) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return f"--- {path.name} ---\n{text[-chars:]}"


class Process:
    """One child process with its log file; `stop()` sends SIGTERM, then SIGKILL after `grace` seconds."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None
        self.terminated = False

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own commands
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,  # pytest starts no threads that could fork meanwhile
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def terminate(self) -> None:
        """SIGTERM, once (a second one would cut a warm shutdown short)."""
        if self.running() and not self.terminated:
            self.process.send_signal(signal.SIGTERM)
            self.terminated = True

    def stop(self, grace: float = 20) -> None:
        if self.running():
            self.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process, self.terminated = None, False


def stop_all(processes: list[Process]) -> None:
    """SIGTERM to every process first, then wait for each: the warm shutdowns overlap (2–3 s each)."""
    for process in processes:
        process.terminate()
    for process in reversed(processes):
        process.stop()


class Redis(processes.Redis):
    """The fault tests' redis-server, started so that it too ends with pytest."""

    def start(self):
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        assert wait_until(self._ping, 10), "redis-server did not start"


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class MotoS3(Process):
    """moto's S3 server mode (`python -m moto.server`) on a free port, holding the shared bucket."""

    credentials = {"aws_access_key_id": "scaleout", "aws_secret_access_key": "scaleout-secret"}  # noqa: S105
    region = "us-east-1"

    def __init__(self, work: Path):
        self.port = free_port()
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        super().__init__("moto", command, {**os.environ}, work / "moto.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self) -> None:
        up = wait_until(lambda: port_open(self.port) or not self.running(), START_SECONDS, 0.1)
        assert up and self.running(), "the moto S3 server did not start\n" + tail(self.log)

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=self.region, **self.credentials)

    def objects(self) -> dict[str, bytes]:
        """Every object of the bucket, by key."""
        s3 = self.client()
        listing = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listing}

    def environment(self) -> dict[str, str]:
        """What the portal's processes need to use the bucket (django-storages reads boto3's variables)."""
        return {
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": self.credentials["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": self.region,
            # No instance metadata lookups, no developer's ~/.aws files.
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }


def production_environment(work: Path, broker_url: str, s3: MotoS3) -> dict[str, str]:
    """vision.settings.production on the test database, unchanged except for what the environment gives it."""
    db = connection.settings_dict
    password = quote(db["PASSWORD"] or "", safe="")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vision.settings.production",
        "PYTHONWARNINGS": "ignore",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for the whole deployment: sessions, CSRF, signing
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "VISION_MFA_REQUIRED_ROLES": "",  # the test's accounts have no TOTP device
        "VISION_SIGNING_P12": str(settings.VISION_SIGNING_P12),  # the test's seal, so the test can verify it
        "VISION_SIGNING_PASSWORD": settings.VISION_SIGNING_PASSWORD,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),  # must stay empty: the files go to the bucket
        **s3.environment(),
    }


def collect_static(env: dict[str, str], work: Path) -> None:
    """The static files and their manifest for the web processes. The manifest is written by Django's
    ManifestStaticFilesStorage (2 s) rather than WhiteNoise's compressing subclass that production deploys with
    (45 s here, all of it gzip and Brotli copies the test does not need); the web processes then run the
    production storage unchanged on that manifest."""
    collect = {**env, "DJANGO_SETTINGS_MODULE": "tests.scaleout.collectstatic_settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=collect,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"collectstatic failed:\n{result.stderr[-3000:]}"


class Web(Process):
    """gunicorn serving vision.wsgi with the production settings on a port of its own."""

    def __init__(self, name: str, env: dict[str, str], work: Path):
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "vision.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "2", "--timeout", "120",
            "--access-logfile", "-", "--access-logformat", f"{name} %(m)s %(U)s %(s)s",
            # Stopped by PID: no control socket, which would be ~/.gunicorn/gunicorn.ctl for both (and any other run).
            "--no-control-socket",
        ]  # fmt: skip
        super().__init__(name, command, env, work / f"{name}.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict | None:
        try:
            response = Browser(self).get("/healthz")
        except requests.RequestException:
            return None
        return response.json() if response.status_code == 200 else None

    def wait(self) -> dict:
        health = wait_until(lambda: self.health() or not self.running(), START_SECONDS, 0.25)
        assert isinstance(health, dict) and self.running(), f"{self.name} did not answer /healthz\n" + tail(self.log)
        return health


class Worker(Process):
    """`celery worker` (prefork, one child) with the production settings and a node name of its own."""

    def __init__(self, name: str, env: dict[str, str], work: Path):
        self.hostname = f"{name}@scaleout"
        command = [
            sys.executable, "-m", "celery", "-A", "vision.celery", "worker", "--hostname", self.hostname,
            "--pool", "prefork", "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "info",
        ]  # fmt: skip
        super().__init__(name, command, env, work / f"{name}.log")

    def wait(self) -> None:
        ready = f"{self.hostname} ready."
        up = wait_until(lambda: ready in self.output() or not self.running(), START_SECONDS, 0.25)
        assert up and self.running(), f"{self.name} did not start\n" + tail(self.log)

    def rendered(self) -> list[str]:
        """The ids of the render_document tasks this worker finished with "ready"."""
        return re.findall(r"render_document\[([0-9a-f-]+)\] succeeded in [0-9.]+s: 'ready'", self.output())


class Browser:
    """A person's browser behind the TLS proxy, pointed at one web process at a time: every request carries the
    deployment's Host and `X-Forwarded-Proto: https`; the (Secure) cookies are kept here and sent whichever
    process answers, as a load balancer without sticky sessions would."""

    def __init__(self, web: Web, cookies: dict[str, str] | None = None):
        self.web = web
        self.cookies = cookies if cookies is not None else {}
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy variables between us and 127.0.0.1

    def on(self, web: Web) -> Browser:
        """The same browser (the same cookies), its next requests answered by `web`."""
        return Browser(web, self.cookies)

    def request(self, method: str, path: str, *, data: dict | None = None, referer: str = "") -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Language": "en"}
        if method == "POST":
            headers |= {"Origin": ORIGIN, "Referer": ORIGIN + (referer or path)}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.session.request(
            method, self.web.base + path, data=data, headers=headers, allow_redirects=False, timeout=60
        )
        self.cookies.update(response.cookies.get_dict())
        self.session.cookies.clear()
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post_form(self, page: str, action: str, data: dict) -> requests.Response:
        """Submit a form of `page` (already fetched) to `action` with the page's CSRF token."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the page has no CSRF token"
        return self.request("POST", action, data={"csrfmiddlewaretoken": token.group(1), **data})

    def log_in(self, email: str, password: str) -> requests.Response:
        form = self.get("/accounts/login/")
        assert form.status_code == 200, form.status_code
        return self.post_form(form.text, "/accounts/login/", {"login": email, "password": password})
