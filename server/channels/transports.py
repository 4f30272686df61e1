"""Handing a message to its provider: an SMTP server (aiosmtplib) or an SMS gateway over HTTP.

The gateway request is the form most US gateways take (Twilio's, and those that copy it): a
POST of form fields ``To``, ``From`` and ``Body`` with HTTP Basic sign-in; its JSON answer's
``sid`` (or ``id``) is kept as the provider's id for the message. 2xx sent; 429 and 5xx and no
answer retried (honouring Retry-After); anything else refused for good, its words kept."""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import dataclass
from email.message import EmailMessage

import aiohttp
import aiosmtplib

from server.settings import Settings


@dataclass(frozen=True)
class Answer:
    status: int | None  # the provider's code (HTTP, or SMTP's 250); None when unreachable
    error: str = ""
    retry_after: float | None = None
    provider_id: str = ""
    retryable: bool = False

    @property
    def sent(self) -> bool:
        return not self.error and self.status is not None


class SmsGateway:
    def __init__(self, settings: Settings, concurrency: int = 16) -> None:
        self.url, self.sender = settings.sms_url, settings.sms_from
        pair = f"{settings.sms_account}:{settings.sms_token}".encode()
        self.headers = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        self.concurrency = concurrency
        self.client: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        self.client = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.concurrency),
            timeout=aiohttp.ClientTimeout(total=15, connect=5),
        )

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None

    async def send(self, to: str, text: str) -> Answer:
        assert self.client is not None, "open() the gateway first"
        form = {"To": to, "From": self.sender, "Body": text}
        try:
            async with self.client.post(self.url, data=form, headers=self.headers) as response:
                said = await response.text(errors="replace")
                if 200 <= response.status < 300:
                    return Answer(response.status, provider_id=_provider_id(said))
                wait = response.headers.get("retry-after", "")
                return Answer(
                    response.status,
                    said[:200] or f"HTTP {response.status}",
                    float(wait) if wait.isdecimal() else None,
                    retryable=response.status == 429 or response.status >= 500,
                )
        except (TimeoutError, aiohttp.ClientError) as error:
            return Answer(None, f"{type(error).__name__}: {error}"[:200], retryable=True)


def _provider_id(said: str) -> str:
    with contextlib.suppress(ValueError):
        found = json.loads(said)
        if isinstance(found, dict):
            return str(found.get("sid") or found.get("id") or "")[:100]
    return ""


class SmtpServer:
    """One connection for a batch of messages; a message the server refuses fails alone."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            timeout=15,
        )

    async def send_many(self, messages: list[EmailMessage]) -> list[Answer]:
        answers: list[Answer] = []
        try:
            async with self._client() as smtp:
                for message in messages:
                    answers.append(await self._one(smtp, message))
        except (aiosmtplib.SMTPException, OSError) as error:
            lost = Answer(None, f"{type(error).__name__}: {error}"[:200], retryable=True)
            answers += [lost] * (len(messages) - len(answers))
        return answers

    async def _one(self, smtp: aiosmtplib.SMTP, message: EmailMessage) -> Answer:
        try:
            _refused, said = await smtp.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            code = error.recipients[0].code if error.recipients else 550
            return Answer(code, str(error)[:200], retryable=400 <= code < 500)
        except aiosmtplib.SMTPResponseException as error:
            return Answer(error.code, error.message[:200], retryable=400 <= error.code < 500)
        return Answer(250, provider_id=said.strip()[:100])
