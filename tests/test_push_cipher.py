"""Encryption in the helper process gives bodies the phone can decrypt, and goes on inline when
the helper dies; the bench can take turns between the two."""

from __future__ import annotations

import os

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

from server.push import cipher
from tests.push_receiver import Device


def device() -> Device:
    return Device(
        "t", "http://127.0.0.1/t", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    )


def decrypt(phone: Device, body: bytes) -> bytes:
    return http_ece.decrypt(
        body, private_key=phone.key, auth_secret=phone.auth, version="aes128gcm"
    )


async def test_bodies_from_the_helper_decrypt_on_the_phone():
    phones = [device() for _ in range(3)]
    jobs = [
        (f"message {n}".encode(), p.p256dh, p.subscription()["keys"]["auth"])
        for n, p in enumerate(phones)
    ]
    jobs.append((b"never", "not-a-key", "AAAA"))
    bodies = await cipher.encrypt_many(jobs)
    assert [decrypt(p, b) for p, b in zip(phones, bodies[:3], strict=True)] == [
        b"message 0",
        b"message 1",
        b"message 2",
    ]
    assert isinstance(bodies[3], str) and "unusable subscription keys" in bodies[3]


async def test_encryption_goes_on_inline_when_the_helper_dies():
    await cipher.warm_up()
    pool = cipher._helper()
    assert pool is not None, "this machine has more than one CPU"
    for process in list(pool._processes.values()):
        process.kill()
        process.join()
    phone = device()
    [body] = await cipher.encrypt_many(
        [(b"still here", phone.p256dh, phone.subscription()["keys"]["auth"])]
    )
    assert decrypt(phone, body) == b"still here"
    [again] = await cipher.encrypt_many(
        [(b"and again", phone.p256dh, phone.subscription()["keys"]["auth"])]
    )
    assert decrypt(phone, again) == b"and again"  # a new helper started


async def test_the_bench_can_take_turns_between_inline_and_the_helper():
    phone = device()
    job = (b"turns", phone.p256dh, phone.subscription()["keys"]["auth"])
    cipher.encrypt_inline()
    assert cipher._helper() is None
    [inline] = await cipher.encrypt_many([job])
    cipher.encrypt_in_helper()
    await cipher.warm_up()
    assert cipher._helper() is not None, "this machine has more than one CPU"
    [helped] = await cipher.encrypt_many([job])
    assert decrypt(phone, inline) == decrypt(phone, helped) == b"turns"
