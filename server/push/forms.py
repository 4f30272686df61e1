"""What a phone sends about its subscription, parsed at the edge: ``PushSubscription.toJSON()``
and the browser's user agent, or the endpoint to remove."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.push.vapid import b64url_decode

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Keys(BaseModel):
    model_config = ConfigDict(extra="ignore")
    p256dh: Annotated[str, Field(min_length=80, max_length=128)]
    auth: Annotated[str, Field(min_length=16, max_length=64)]

    @field_validator("p256dh", "auth")
    @classmethod
    def base64url(cls, value: str) -> str:
        try:
            b64url_decode(value)
        except ValueError:
            raise ValueError("not base64url") from None
        return value


class SubscriptionIn(BaseModel):
    """What ``PushSubscription.toJSON()`` gives, and the browser's user agent."""

    model_config = ConfigDict(extra="ignore")
    endpoint: Annotated[str, Field(max_length=1024)]
    keys: Keys
    user_agent: Annotated[str, Field(max_length=300)] = ""

    @field_validator("endpoint")
    @classmethod
    def push_service(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme == "https" and parts.hostname:
            return value
        if parts.scheme == "http" and parts.hostname in LOOPBACK:  # a push service on this machine
            return value
        raise ValueError("a push service's https URL")


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    endpoint: Annotated[str, Field(max_length=1024)]
