"""The credential model checked against the real thing: botocore's own resolution, in a sandbox.

For every environment in ``tests/credential_envs/`` (and a few built here), botocore runs with:
a temporary HOME; the environment's credentials and config files written to temporary paths; an
``os.environ`` emptied of every ``AWS_*`` and proxy variable and then filled with the
environment's variables; instance metadata, the container credentials endpoint and STS served by
a stub HTTP server on 127.0.0.1 (IMDSv2 token PUT, role and credentials GETs, AssumeRole and
AssumeRoleWithWebIdentity). A socket guard refuses every connection and name lookup that is not
loopback, so botocore cannot reach a real network address; the stubs record what was asked, and
the test checks they were asked when the model says so.

Compared: ``Credentials.method``, the access key ID, the profile, the region and the exception
class, plus the STS request (role ARN, session name, signing key) for assume-role chains.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest

botocore_session = pytest.importorskip("botocore.session")
botocore_utils = pytest.importorskip("botocore.utils")
botocore_credentials = pytest.importorskip("botocore.credentials")

from xraykit.credentials import Environment, Platform, issued_keys, resolve_sdk  # noqa: E402
from xraykit.credentials.model import PlatformKind, role_name_of  # noqa: E402

CASES_DIR = Path(__file__).parent / "credential_envs"
EXPIRATION = "2099-01-01T00:00:00Z"


# ------------------------------------------------------------------ the stub endpoints
@dataclass
class World:
    """What the stub answers: built from the environment's platform, as the real endpoints would."""

    account: str
    instance_role: str | None = None  # None: instance metadata answers but has no role
    imds: bool = False  # does instance metadata answer at all
    container_role: str | None = None
    container_path: str | None = None  # None: any path serves the container role
    hits: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def keys_json(self, role: str) -> dict[str, str]:
        keys = issued_keys(self.account, role)
        return {
            "AccessKeyId": keys.access_key_id,
            "SecretAccessKey": keys.secret_access_key,
            "Token": keys.session_token,
            "Expiration": EXPIRATION,
        }


class _Handler(BaseHTTPRequestHandler):
    world: World

    def log_message(self, format: str, *args: Any) -> None:  # silence the server
        pass

    def _send(self, status: int, body: str, content_type: str = "text/plain") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self) -> None:
        world = self.server.world  # type: ignore[attr-defined]
        world.hits.append(("PUT", self.path, {}))
        if self.path == "/latest/api/token" and world.imds:
            self._send(200, "stub-imds-token")
        else:
            self._send(404, "")

    def do_GET(self) -> None:
        world: World = self.server.world  # type: ignore[attr-defined]
        world.hits.append(("GET", self.path, {"auth": self.headers.get("Authorization")}))
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(prefix):
            if not world.imds or not world.instance_role:
                self._send(404, "")
            elif self.path == prefix:
                self._send(200, world.instance_role)
            elif self.path == prefix + world.instance_role:
                body = {
                    "Code": "Success",
                    "Type": "AWS-HMAC",
                    "LastUpdated": "2020-09-21T00:00:00Z",
                    **world.keys_json(world.instance_role),
                }
                self._send(200, json.dumps(body), "application/json")
            else:
                self._send(404, "")
            return
        if world.container_role and world.container_path in (None, self.path):
            body = {
                **world.keys_json(world.container_role),
                "RoleArn": f"arn:aws:iam::{world.account}:role/{world.container_role}",
            }
            self._send(200, json.dumps(body), "application/json")
            return
        self._send(404, "")

    def do_POST(self) -> None:  # STS
        world: World = self.server.world  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        auth = self.headers.get("Authorization") or ""
        signer = re.search(r"Credential=([A-Z0-9]+)/", auth)
        world.hits.append(("POST", self.path, {**form, "signer": signer[1] if signer else None}))
        action = form.get("Action", "")
        if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            self._send(400, "unsupported")
            return
        role_arn, session = form["RoleArn"], form["RoleSessionName"]
        account = role_arn.split(":")[4]
        role = role_name_of(role_arn)
        keys = issued_keys(account, role)
        xml = (
            f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result>'
            f"<Credentials><AccessKeyId>{keys.access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{keys.secret_access_key}</SecretAccessKey>"
            f"<SessionToken>{keys.session_token}</SessionToken><Expiration>{EXPIRATION}</Expiration></Credentials>"
            f"<AssumedRoleUser><AssumedRoleId>AROASTUBSTUBSTUB:{session}</AssumedRoleId>"
            f"<Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn></AssumedRoleUser>"
            f"</{action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></{action}Response>"
        )
        self._send(200, xml, "text/xml")


@pytest.fixture
def stub() -> Iterator[tuple[str, ThreadingHTTPServer]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.world = World(account="000000000000")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ the sandbox
def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean process environment, a temporary HOME and a guard against any non-loopback socket."""
    for name in list(os.environ):
        if (
            name.startswith("AWS_")
            or name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
            or name in ("BOTO_CONFIG",)
        ):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "no-boto.cfg"))  # keep /etc/boto.cfg out
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if not _loopback(str(host)):
            raise AssertionError(f"botocore tried to reach {address!r}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host.decode() if isinstance(host, bytes) else str(host)):
            raise AssertionError(f"botocore tried to look up {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(botocore_utils.ContainerMetadataFetcher, "SLEEP_TIME", 0)
    real_creator = botocore_credentials._get_client_creator

    def sts_creator(session: Any, region_name: str | None) -> Any:
        # With no region, botocore signs STS calls for the global endpoint (us-east-1); pointed at the
        # stub by AWS_ENDPOINT_URL_STS it has no endpoint to take that region from, so give it here.
        inner = real_creator(session, region_name)

        def create(service_name: str, **kwargs: Any) -> Any:
            if service_name == "sts" and not (region_name or session.get_config_variable("region")):
                kwargs.setdefault("region_name", "us-east-1")
            return inner(service_name, **kwargs)

        return create

    monkeypatch.setattr(botocore_credentials, "_get_client_creator", sts_creator)
    return tmp_path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Observed:
    method: str | None
    access_key_id: str | None
    profile: str
    region: str | None
    error_code: str | None


def run_botocore(
    environment: Environment,
    sandbox: Path,
    stub: tuple[str, ThreadingHTTPServer],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Observed, World]:
    """Resolve credentials with real botocore in the sandbox; the stub plays the platform."""
    address, server = stub
    platform = environment.platform
    world = World(
        account=environment.account,
        instance_role=platform.instance_role,
        imds=platform.imds_answers,
        container_role=platform.endpoint_role,
        container_path=platform.facts.get("relative_uri") if platform.kind is PlatformKind.ECS else None,
    )
    server.world = world  # type: ignore[attr-defined]
    env = dict(environment.effective_env())
    home = Path(os.environ["HOME"])
    for var, text, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", environment.credentials_file, "credentials"),
        ("AWS_CONFIG_FILE", environment.config_file, "config"),
    ):
        # the model's text is the file the SDK opens: at ~/.aws/NAME, or where the variable points
        path = sandbox / f"file-{default}" if var in env else home / ".aws" / default
        if text is not None:
            path.write_text(text)
        if var in env:
            env[var] = str(path)
    if "AWS_WEB_IDENTITY_TOKEN_FILE" in env:
        token = sandbox / "web-identity-token"
        token.write_text("stub-oidc-token")
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(token)
    full_uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if full_uri and _loopback(urlsplit(full_uri).hostname or ""):
        parts = urlsplit(full_uri)
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = urlunsplit(parts._replace(netloc=address))
    if "AWS_EC2_METADATA_DISABLED" not in env:
        imds_host = address if world.imds else f"127.0.0.1:{_closed_port()}"
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = f"http://{imds_host}/"
    env.setdefault("AWS_METADATA_SERVICE_TIMEOUT", "1")
    env["AWS_ENDPOINT_URL_STS"] = f"http://{address}"
    monkeypatch.setattr(botocore_utils.ContainerMetadataFetcher, "IP_ADDRESS", address)
    for name in list(os.environ):  # nothing left over from an earlier run in the same test
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    session = botocore_session.Session()
    method = key = error = None
    try:
        credentials = session.get_credentials()
        if credentials is None:
            error = "NoCredentialsError"  # what a client's first call would raise
        else:
            key = credentials.get_frozen_credentials().access_key  # runs a deferred AssumeRole now
            method = credentials.method
    except Exception as exc:
        error = type(exc).__name__
    profile = session.get_config_variable("profile") or "default"
    try:
        region = session.get_config_variable("region")
    except Exception:
        region = None
    return Observed(method, key, profile, region, error), world


# ------------------------------------------------------------------ the cases
def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        marks = [] if data.get("botocore", True) else [pytest.mark.skip(reason=data["botocore_skip"])]
        out.append(pytest.param(data, id=data["id"], marks=marks))
    return out


def _environment(data: dict[str, Any]) -> Environment:
    from xraykit.credentials import environment_from_dict

    return environment_from_dict(data["environment"])[0]


def _compare(environment: Environment, observed: Observed, world: World) -> None:
    model = resolve_sdk(environment)
    assert observed.error_code == model.error_code, (model.error, observed)
    assert observed.method == model.method
    assert observed.access_key_id == model.access_key_id
    assert observed.profile == model.profile
    if model.error_code != "ProfileNotFound":
        assert observed.region == model.region
    posts = [h[2] for h in world.hits if h[0] == "POST"]
    gets = [h[1] for h in world.hits if h[0] == "GET"]
    if model.ok and model.chain:
        assert len(posts) == len(model.chain), posts
        for step, request in zip(model.chain, posts, strict=True):
            assert request["RoleArn"] == step.role_arn
            if step.session_name.startswith("botocore-session-"):
                assert re.fullmatch(r"botocore-session-\d+", request["RoleSessionName"])
            else:
                assert request["RoleSessionName"] == step.session_name
            assert request["signer"] == step.caller_access_key_id
    else:
        assert not posts
    if model.method == "iam-role":
        assert any(p.startswith("/latest/meta-data/iam/security-credentials/") for p in gets)
    if model.method == "container-role":
        assert any(not p.startswith("/latest/") for p in gets)


@pytest.mark.parametrize("data", _cases())
def test_botocore_agrees_with_the_model(
    data: dict[str, Any], sandbox: Path, stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = _environment(data)
    observed, world = run_botocore(environment, sandbox, stub, monkeypatch)
    _compare(environment, observed, world)


def _process_env(tmp_path: Path, where: str) -> Environment:
    script = tmp_path / "print_keys.py"
    script.write_text(
        "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAPROCESSEXAMPLE01',"
        " 'SecretAccessKey': 'processSecretKeyExampleExampleExampleKEY'}))\n"
    )
    command = f'"{sys.executable}" "{script}"'
    section = "[profile tools]" if where == "config" else "[tools]"
    text = f"{section}\ncredential_process = {command}\n"
    return Environment(
        name="a credential_process command prints the keys",
        env={"AWS_PROFILE": "tools", "AWS_EC2_METADATA_DISABLED": "true"},
        config_file=text if where == "config" else None,
        credentials_file=text if where == "credentials" else None,
        processes={command: "AKIAPROCESSEXAMPLE01"},
    )


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("config", id="a credential_process in the config file runs and its keys win"),
        pytest.param(
            "credentials", id="a credential_process in the credentials file also runs (the files are merged)"
        ),
    ],
)
def test_credential_process_agrees(
    where: str, sandbox: Path, stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = _process_env(sandbox, where)
    observed, world = run_botocore(environment, sandbox, stub, monkeypatch)
    assert observed.method == "custom-process"
    _compare(environment, observed, world)


def test_the_sandbox_refuses_a_real_address(sandbox: Path) -> None:
    with (
        pytest.raises(AssertionError, match="tried to"),
        socket.create_connection(("192.0.2.1", 80), timeout=0.1),
    ):
        pass


def test_the_sandbox_hides_the_real_environment(sandbox: Path) -> None:
    assert not [k for k in os.environ if k.startswith("AWS_")]
    assert Path(os.environ["HOME"]).is_relative_to(sandbox)


def test_an_ecs_task_role_is_served_by_the_stub_and_wins_over_the_instance_role(
    sandbox: Path, stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = Environment(
        name="ecs", platform=Platform.ecs("app-task-role", instance_role="ecsInstanceRole")
    )
    observed, world = run_botocore(environment, sandbox, stub, monkeypatch)
    assert observed.method == "container-role"
    assert observed.access_key_id == issued_keys(environment.account, "app-task-role").access_key_id
    assert not [h for h in world.hits if h[1].startswith("/latest/meta-data/iam/security-credentials/")]
    without_task_role = replace(environment, platform=Platform.ecs(None, instance_role="ecsInstanceRole"))
    observed, world = run_botocore(without_task_role, sandbox, stub, monkeypatch)
    assert observed.method == "iam-role"
    assert [h for h in world.hits if h[0] == "PUT" and h[1] == "/latest/api/token"]
