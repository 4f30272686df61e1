"""VAPID: the key made on first run and kept with the data, or given by the environment (PEM or
the base64url raw key); the contact and the key checked at start-up with one clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from server.app import create_app
from server.push.vapid import VapidSigner, b64url, b64url_decode
from server.settings import SettingsError, load_settings
from tests.helpers import html

ROOT = Path(__file__).resolve().parents[1]


def _public_key(signer: VapidSigner) -> ec.EllipticCurvePublicKey:
    return ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b64url_decode(signer.public_key)
    )


def _claims(signer: VapidSigner, endpoint: str) -> dict:
    scheme, _, params = signer.authorization(endpoint).partition(" ")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert scheme == "vapid" and parts["k"] == signer.public_key
    return jwt.decode(
        parts["t"], key=_public_key(signer), algorithms=["ES256"], audience="https://push.example"
    )


def test_a_key_is_made_on_first_run_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUSTER_VAPID_PRIVATE_KEY", raising=False)
    first = load_settings()
    kept = tmp_path / "vapid_private.pem"
    assert kept.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    again = load_settings()
    assert again.vapid_private_key == first.vapid_private_key
    signer = VapidSigner(again.vapid_private_key, "mailto:safety@district.example")
    claims = _claims(signer, "https://push.example/send/1")
    assert claims["sub"] == "mailto:safety@district.example"


@pytest.mark.parametrize("form", ["pem", "raw"])
def test_the_environment_gives_the_key(tmp_path, monkeypatch, form):
    key = ec.generate_private_key(ec.SECP256R1())
    if form == "pem":
        given = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    else:
        given = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MUSTER_VAPID_PRIVATE_KEY", given)
    settings = load_settings()
    settings.check()
    assert not (tmp_path / "vapid_private.pem").exists()  # nothing made: the given one is used
    signer = VapidSigner(settings.vapid_private_key, settings.vapid_contact)
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert signer.public_key == b64url(point)
    assert _claims(signer, "https://push.example/x")["aud"] == "https://push.example"


async def test_the_page_gets_the_servers_public_key(as_role, app):
    page = html(await (await as_role("staff")).get("/alerts/setup"))
    assert page.select_one("#push-setup")["data-key"] == app.state.vapid.public_key
    assert len(b64url_decode(app.state.vapid.public_key)) == 65  # an uncompressed P-256 point


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MUSTER_VAPID_CONTACT", ""),
        ("MUSTER_VAPID_CONTACT", "safety@district.example"),  # not a URL
        ("MUSTER_VAPID_CONTACT", "http://district.example"),  # https only
        ("MUSTER_VAPID_PRIVATE_KEY", "not a key"),
        (
            "MUSTER_VAPID_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ),
        (
            "MUSTER_VAPID_PRIVATE_KEY",
            ec.generate_private_key(ec.SECP384R1())
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode(),
        ),
    ],
)
def test_a_bad_push_setting_stops_start_up_naming_it(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        create_app(load_settings())
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}"}
    served = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode != 0
    assert served.stderr.startswith(f"error: {name}")
    assert "Traceback" not in served.stderr
