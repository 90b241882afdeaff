"""Real servers for the deployment tests: gunicorn, Debian's nginx, a private PostgreSQL cluster.

Every process is started in its own session (process group) so a test can SIGKILL a whole server,
master and workers, as a machine dying would; ``stop()`` always kills the group, even on failure.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECRET_KEY = "deploy-test-secret-key-shared-by-every-server"
PASSWORD = "deploy-password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0, process: "ManagedProcess | None" = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited early:\n{process.output_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


class ManagedProcess:
    """A child process in its own process group, with its output in a file."""

    def __init__(self, name: str, command: list[str], *, env: dict, log: Path, cwd: Path = ROOT):
        self.name = name
        self.log = log
        self.handle = open(log, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole group (a server dying with requests in flight)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                pass
        # Workers left behind by a master that died first are still in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        if self.popen.poll() is None:
            self.popen.wait(timeout=10)
        self.handle.close()


# --- Databases ----------------------------------------------------------------------------------


def server_admin_url() -> URL | None:
    """A PostgreSQL server to make databases on: TEST_DATABASE_URL's when it is PostgreSQL, else
    DEPLOY_POSTGRES_URL, else the local one on 127.0.0.1:5432. None when nothing answers."""
    candidates = [
        os.environ.get("TEST_DATABASE_URL", ""),
        os.environ.get("DEPLOY_POSTGRES_URL", ""),
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    ]
    for raw in candidates:
        if not raw.startswith("postgresql"):
            continue
        url = make_url(raw).set(drivername="postgresql+psycopg")
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return url
        except Exception:  # noqa: S112 (any failure means: try the next one)
            continue
        finally:
            engine.dispose()
    return None


@dataclass
class Database:
    """A database of our own on a PostgreSQL server, dropped at the end."""

    admin: URL
    name: str = field(default_factory=lambda: f"nearmiss_deploy_{uuid.uuid4().hex[:10]}")

    @property
    def url(self) -> str:
        return self.admin.set(database=self.name).render_as_string(hide_password=False)

    def create(self) -> "Database":
        engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        engine.dispose()
        return self

    def drop(self) -> None:
        engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            engine.dispose()


def app_env(database_url: str, **extra: str) -> dict:
    """The environment of a production-like app server (no test configuration)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "FLASK_", "PYTEST"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        NEARMISS_ENV="development",  # plain http on 127.0.0.1: cookies must not be Secure-only
        RATELIMIT_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def migrate_and_seed(database_url: str, log: Path) -> dict:
    """``flask db upgrade`` as an operator runs it, then a region and one DSP (via the operations)."""
    with open(log, "ab") as handle:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=app_env(database_url),
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=120,
        )
    return seed(database_url)


def seed(database_url: str) -> dict:
    from app import create_app
    from app.auth.operations import create_user
    from app.config import TestConfig
    from app.core.roles import Role
    from app.extensions import db
    from app.taxonomy.models import Region

    class SeedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(SeedConfig)
    with app.app_context():
        region = Region(name="North County")
        db.session.add(region)
        db.session.flush()
        create_user(
            email="dsp@deploy.test", name="Dee", password=PASSWORD, roles=[Role.DSP], regions=[region]
        )
        db.session.commit()
        region_id = region.id
        db.session.remove()
        db.engine.dispose()
    return {"region_id": region_id, "email": "dsp@deploy.test", "password": PASSWORD}


def count_by_client_uuid(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT client_uuid, count(*) FROM reports GROUP BY client_uuid"))
            return {str(client_uuid): n for client_uuid, n in rows}
    finally:
        engine.dispose()


# --- gunicorn and nginx -------------------------------------------------------------------------


class Gunicorn:
    """``gunicorn wsgi:app`` on a free port. gunicorn reads the repository's gunicorn.conf.py when
    there is one (the production settings); the flags given here win over it."""

    def __init__(self, database_url: str, folder: Path, name: str, *, workers: int = 2, threads: int = 4):
        self.name = name
        self.port = free_port()
        # Metrics files in the test's folder: a SIGKILLed master cannot clean up a directory of its own.
        metrics = folder / f"{name}-metrics"
        metrics.mkdir(parents=True, exist_ok=True)
        self.env = app_env(database_url, PROMETHEUS_MULTIPROC_DIR=str(metrics))
        self.folder = folder
        self.workers, self.threads = workers, threads
        self.process: ManagedProcess | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "Gunicorn":
        if self.process is not None:
            self.process.stop()  # a restart after a kill: close what is left of the old one
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            self.address,
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "wsgi:app",
        ]
        self.process = ManagedProcess(
            self.name, command, env=self.env, log=self.folder / f"{self.name}.log", cwd=ROOT
        )
        wait_for_http(f"http://{self.address}/healthz", timeout=60, process=self.process)
        return self

    def kill(self) -> None:
        self.process.kill()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


NGINX_CONF = """\
{user}
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreams '$request_method $uri $status $upstream_addr $upstream_status';
    access_log {prefix}/access.log upstreams;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ application/json json; }}
    upstream app {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A refused connection goes to the other server; a POST already sent is never resent
            # by nginx (non_idempotent is off): the client retries it with the same client_uuid.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, upstreams: list[Gunicorn], folder: Path):
        self.port = free_port()
        self.prefix = folder / "nginx"
        self.upstreams = upstreams
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def start(self) -> "Nginx":
        self.prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"        server {g.address} max_fails=1 fail_timeout=3s;" for g in self.upstreams
        )
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, prefix=self.prefix, servers=servers, port=self.port))
        command = [NGINX, "-e", str(self.prefix / "error.log"), "-p", str(self.prefix), "-c", str(conf)]
        self.process = ManagedProcess("nginx", command, env=dict(os.environ), log=self.prefix / "stdout.log")
        wait_for_http(f"{self.url}/healthz", timeout=20, process=self.process)
        return self

    def access_lines(self) -> list[list[str]]:
        if not self.access_log.exists():
            return []
        return [line.split() for line in self.access_log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


# --- The documented nginx configuration, run as it is ------------------------------------------

DEPLOY_NGINX_CONF = ROOT / "deploy" / "nginx.conf"

# brotli_static, from Debian's libnginx-mod-http-brotli-static (which enables it for the system's own
# nginx in /etc/nginx/modules-enabled/; this nginx runs with its own prefix, so it is named in full).
BROTLI_STATIC_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")

DOCUMENTED_NGINX_WRAPPER = (
    f"load_module {BROTLI_STATIC_MODULE};\n"
    + """\
{user}
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
"""
)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid for a day; (certificate, key) files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx.conf no longer has {old!r}: update the deployment test"
    return text.replace(old, new)


def documented_site(
    upstreams: list[str], *, port: int, redirect_port: int, cert: Path, key: Path, root: Path
) -> str:
    """deploy/nginx.conf with only what is site-specific replaced: the app servers' addresses, the
    ports (on 127.0.0.1), the certificate and the folder the static files are published in."""
    site = DEPLOY_NGINX_CONF.read_text()
    servers = [line for line in site.splitlines() if line.strip().startswith("server 10.0.0.")]
    assert servers, "deploy/nginx.conf lists no app servers"
    site = site.replace(
        servers[0] + "\n", "".join(f"    server {a} max_fails=2 fail_timeout=10s;\n" for a in upstreams)
    )
    for line in servers[1:]:
        site = _replace(site, line + "\n", "")
    site = _replace(site, "    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{redirect_port};\n")
    site = _replace(
        site,
        "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
        f"    listen 127.0.0.1:{port} ssl http2;\n",
    )
    site = _replace(site, "/etc/ssl/certs/nearmiss.example.org.pem", str(cert))
    site = _replace(site, "/etc/ssl/private/nearmiss.example.org.key", str(key))
    site = _replace(site, "root /srv/nearmiss/static;", f"root {root / 'static'};")
    return _replace(site, "root /srv/nearmiss;", f"root {root};")


class DocumentedNginx:
    """Debian's nginx running deploy/nginx.conf over TLS (a self-signed certificate) in front of the
    given app servers, with the static files published by `flask --app wsgi assets publish`."""

    def __init__(self, upstreams: list[str], folder: Path, *, env: dict):
        self.port = free_port()
        self.redirect_port = free_port()
        self.prefix = folder / "documented-nginx"
        self.upstreams = upstreams
        self.env = env
        self.published = self.prefix / "srv"
        self.process: ManagedProcess | None = None

    @staticmethod
    def published_static(folder: Path) -> Path:
        """Where the static files are published for a DocumentedNginx in ``folder``: known before it
        starts, so its app servers can be given it (``PUBLISHED_STATIC_DIR``)."""
        return folder / "documented-nginx" / "srv" / "static"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def publish_static(self) -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                "assets",
                "publish",
                str(self.published_static(self.prefix.parent)),
            ],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> "DocumentedNginx":
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.publish_static()
        cert, key = self_signed_certificate(self.prefix / "tls")
        site = documented_site(
            self.upstreams,
            port=self.port,
            redirect_port=self.redirect_port,
            cert=cert,
            key=key,
            root=self.published,
        )
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = self.prefix / "nginx.conf"
        conf.write_text(DOCUMENTED_NGINX_WRAPPER.format(user=user, prefix=self.prefix, site=site))
        command = [NGINX, "-e", str(self.prefix / "error.log"), "-p", str(self.prefix), "-c", str(conf)]
        self.process = ManagedProcess("nginx", command, env=dict(os.environ), log=self.prefix / "stdout.log")
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start:\n{self.process.output_tail()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


# --- A private PostgreSQL cluster ---------------------------------------------------------------


class PrivatePostgres:
    """initdb + pg_ctl in a temporary folder on a free port; as the postgres user when we are root
    (initdb refuses to run as root)."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="nearmiss-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root without runuser: cannot start a private PostgreSQL")
            self.as_user = [runuser, "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/nearmiss"

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_user, *command],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def start(self) -> "PrivatePostgres":
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start"
        )
        engine = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE nearmiss"))
        engine.dispose()
        return self

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, the server comes back on the same port."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


# --- An HTTP client that behaves like the outbox ------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict | str
    upstream: str | None


class Browserless:
    """A signed-in user over plain HTTP (cookie jar shared by the threads that use it)."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self._token: str | None = None
        self._lock = threading.Lock()

    def request(self, method: str, path: str, *, data=None, headers=None, timeout=15.0) -> Answer:
        request = urllib.request.Request(
            f"{self.base}{path}", data=data, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                raw, status, upstream = response.read(), response.status, response.headers.get("X-Upstream")
        except urllib.error.HTTPError as error:
            raw, status, upstream = error.read(), error.code, error.headers.get("X-Upstream")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        return Answer(status, body, upstream)

    def sign_in(self, email: str, password: str) -> Answer:
        page = self.request("GET", "/login").body
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        answer = self.request(
            "POST",
            "/login",
            data=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, f"sign-in failed: {answer.status}"
        return answer

    def csrf(self, *, fresh: bool = False) -> str:
        with self._lock:
            if self._token is None or fresh:
                answer = self.request("GET", "/api/v1/csrf")
                if answer.status != 200 or not isinstance(answer.body, dict):
                    # nginx's 502 while a server is down: like the outbox, treat it as "try again".
                    raise ConnectionError(f"no CSRF token ({answer.status})")
                self._token = answer.body["csrf_token"]
            return self._token

    def post_report(self, body: dict, timeout: float = 15.0) -> Answer:
        return self.request(
            "POST",
            "/api/v1/reports",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf()},
            timeout=timeout,
        )

    def post_batch(self, bodies: list[dict], timeout: float = 30.0) -> Answer:
        return self.request(
            "POST",
            "/api/v1/reports/batch",
            data=json.dumps({"reports": bodies}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf()},
            timeout=timeout,
        )

    def deliver_batch(self, bodies: list[dict], *, deadline: float, log: list | None = None) -> list | None:
        """Send a batch until the server answers its results, as the outbox does: a network error or
        a 5xx resends the whole batch (the reports stored before it are then replays); a 400 fetches a
        fresh CSRF token. The results, or None if the deadline passes first."""
        pause = 0.05
        while time.monotonic() < deadline:
            try:
                answer = self.post_batch(bodies)
            except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
                if log is not None:
                    log.append(("network", type(exc).__name__))
            else:
                if answer.status == 200:
                    return answer.body["results"]
                if log is not None:
                    log.append((answer.status, answer.upstream))
                if answer.status == 400:
                    self.csrf(fresh=True)
                elif answer.status < 500:
                    raise AssertionError(f"batch refused whole: {answer.status} {answer.body}")
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        return None

    def deliver(self, body: dict, *, deadline: float, log: list | None = None) -> Answer | None:
        """Send until the server confirms (201/200), as the outbox does: a network error or a 5xx
        is retried with the same client_uuid; a 400 fetches a fresh CSRF token. None if the deadline
        passes first; any other answer is returned as it is (a test failure for a valid body)."""
        pause = 0.05
        while time.monotonic() < deadline:
            try:
                answer = self.post_report(body)
            except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
                # HTTPException: a connection cut mid-answer (IncompleteRead, RemoteDisconnected)
                # when a server is killed - the report may or may not be stored; resend the same uuid.
                if log is not None:
                    log.append(("network", type(exc).__name__))
            else:
                if answer.status in (200, 201):
                    return answer
                if log is not None:
                    log.append((answer.status, answer.upstream))
                if answer.status == 400:
                    self.csrf(fresh=True)
                elif answer.status < 500:
                    return answer
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
