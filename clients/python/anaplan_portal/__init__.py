"""Anaplan access tokens from an Anaplan Token Portal, for httpx (and so anaplan-sdk) and for requests.

The script holds a portal API key, never an Anaplan password or refresh token::

    import httpx
    from anaplan_portal import PortalAuth

    with httpx.Client(auth=PortalAuth()) as client:          # or requests.Session(); session.auth = PortalAuth()
        client.get("https://api.anaplan.com/2/0/users/me")

``PortalAuth()`` reads ``ANAPLAN_PORTAL_URL`` and ``ANAPLAN_PORTAL_KEY`` when they are not given. The token is cached
until shortly before it expires, shared by every thread, and renewed once when Anaplan answers 401.

A key restricted to the portal's gateway never gets a token: ``GatewayAuth()`` sends each Anaplan call through the
gateway instead (``anaplan_sdk.Client(auth=GatewayAuth(), …)``), which enforces the key's limits and records the call.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
import urllib.parse
from typing import Any, Callable, Dict, Generator, NamedTuple, Optional

__all__ = [
    "GatewayAuth",
    "PortalAuth",
    "PortalError",
    "TokenSource",
    "Workload",
    "github_actions_token",
    "gitlab_token",
    "kubernetes_token",
]
__version__ = "0.1.0"

try:  # httpx is optional: without it PortalAuth still serves requests.
    import httpx

    _AuthBase: Any = httpx.Auth
except ImportError:  # pragma: no cover - exercised only where httpx is missing
    httpx = None
    _AuthBase = object


class PortalError(RuntimeError):
    """The portal refused to hand out a token. ``code`` is its error code (``identity_deactivated``,
    ``needs_reenrolment``, ``invalid_key``…); the message says what to do, and ``retry_after`` when to try again."""

    def __init__(self, status: int, code: str, message: str, retry_after: Optional[int] = None) -> None:
        super().__init__(f"token portal: {status} {code}: {message}")
        self.status = status
        self.code = code
        self.retry_after = retry_after


class Workload(NamedTuple):
    """Keyless: the identity (``<team slug>/<identity name>``) and where the job's platform token comes from."""

    identity: str
    subject_token: Callable[[], str]


def github_actions_token(audience: str) -> Callable[[], str]:
    """The GitHub Actions job's OIDC token for ``audience`` (the job needs ``permissions: id-token: write``)."""

    def fetch() -> str:
        url = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
        bearer = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
        if not url or not bearer:
            raise RuntimeError("Not a GitHub Actions job with `permissions: id-token: write`.")
        joined = f"{url}{'&' if '?' in url else '?'}audience={urllib.parse.quote(audience, safe='')}"
        request = urllib.request.Request(joined, headers={"Authorization": f"bearer {bearer}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return str(json.loads(response.read())["value"])

    return fetch


def gitlab_token(variable: str = "ANAPLAN_PORTAL_ID_TOKEN") -> Callable[[], str]:
    """The GitLab CI job's ID token from its ``id_tokens:`` variable."""

    def read() -> str:
        token = os.environ.get(variable)
        if not token:
            raise RuntimeError(f"No {variable}: declare it under the job's id_tokens: with aud: the portal's URL.")
        return token

    return read


def kubernetes_token(path: str = "/var/run/secrets/anaplan-portal/token") -> Callable[[], str]:
    """The pod's projected service-account token, read fresh each time (the kubelet rotates it)."""

    def read() -> str:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()

    return read


def _settings(portal_url: Optional[str], key: Optional[str], key_needed: bool = True) -> "tuple[str, Optional[str]]":
    """The portal's URL and the key, given or from ANAPLAN_PORTAL_URL and ANAPLAN_PORTAL_KEY, or which is missing."""
    url = portal_url or os.environ.get("ANAPLAN_PORTAL_URL")
    secret = key or os.environ.get("ANAPLAN_PORTAL_KEY")
    if not url:
        raise ValueError("No portal URL: pass portal_url or set ANAPLAN_PORTAL_URL (e.g. https://portal.example.com).")
    if not secret and key_needed:
        raise ValueError("No API key: pass key or set ANAPLAN_PORTAL_KEY (atp_…, from the identity's page).")
    return url.rstrip("/"), secret


class TokenSource:
    """The identity's current Anaplan access token, from ``POST {portal}/api/v1/token``, cached and thread-safe.
    With ``workload`` it needs no key: the job's platform token is exchanged (RFC 8693) each time a token is due."""

    def __init__(
        self,
        portal_url: Optional[str] = None,
        key: Optional[str] = None,
        *,
        workload: Optional[Workload] = None,
        margin_seconds: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        self.portal_url, self._key = _settings(portal_url, key, key_needed=workload is None)
        self._workload = workload
        self.margin_seconds = margin_seconds
        self.timeout = timeout
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._expires_at = 0.0

    def __repr__(self) -> str:  # never the key
        return f"TokenSource(portal_url={self.portal_url!r})"

    def token(self) -> str:
        """A token with at least ``margin_seconds`` of life left, asking the portal only when the cached one has not."""
        with self._lock:
            if self._token is None or time.time() > self._expires_at - self.margin_seconds:
                self._fetch({})
            return self._token  # type: ignore[return-value]

    def renew(self, rejected: str) -> str:
        """A token to use after Anaplan answered 401 to ``rejected``. The portal refreshes when it still holds that
        token (once, however many scripts report it); a thread that already renewed it shares the new one."""
        with self._lock:
            if self._token == rejected:
                self._fetch({"rejected_token": rejected})
            return self._token  # type: ignore[return-value]

    def _fetch(self, body: Dict[str, Any]) -> None:
        if self._workload is not None:
            form = {
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                "subject_token": self._workload.subject_token(),
                "audience": self._workload.identity,
            }
            data = urllib.parse.urlencode(form).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            data = json.dumps(body).encode()
            headers = {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}
        request = urllib.request.Request(f"{self.portal_url}/api/v1/token", data=data, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise _refusal(error) from None
        self._token = answer["access_token"]
        self._expires_at = time.time() + float(answer["expires_in"])


def _refusal(error: urllib.error.HTTPError) -> PortalError:
    try:
        answer = json.loads(error.read())
    except ValueError:
        answer = {}
    retry_after = error.headers.get("Retry-After")
    return PortalError(
        error.code,
        str(answer.get("error", "unknown")),
        str(answer.get("message", error.reason)),
        int(retry_after) if retry_after and retry_after.isdigit() else None,
    )


class PortalAuth(_AuthBase):  # type: ignore[misc,valid-type]
    """Authentication for Anaplan calls with a token from the portal: an ``httpx.Auth`` (``httpx.Client(auth=…)``,
    ``anaplan_sdk.Client(auth=…)``) and, being callable, a ``requests`` auth too (``session.auth = PortalAuth()``).
    A 401 from Anaplan is answered by renewing the token and sending the request once more.
    ``PortalAuth(gateway=True)`` is ``GatewayAuth()``: the calls go through the portal's gateway with the key."""

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        portal_url: Optional[str] = None,
        key: Optional[str] = None,
        *,
        workload: Optional[Workload] = None,
        gateway: bool = False,
        **options: float,
    ) -> None:
        self._gateway = GatewayAuth(portal_url, key) if gateway else None
        self.source = None if gateway else TokenSource(portal_url, key, workload=workload, **options)

    def __repr__(self) -> str:
        if self._gateway:
            return f"PortalAuth(portal_url={self._gateway.portal_url!r}, gateway=True)"
        return f"PortalAuth(portal_url={self.source.portal_url!r})"

    # httpx: one flow for Client and AsyncClient (the portal call itself is a short blocking request).
    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        if self._gateway:
            yield from self._gateway.auth_flow(request)
            return
        token = self.source.token()
        request.headers["Authorization"] = f"AnaplanAuthToken {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"AnaplanAuthToken {self.source.renew(token)}"
            yield request

    # requests: set the header, and resend once on a 401 with a renewed token.
    def __call__(self, request: Any) -> Any:
        if self._gateway:
            return self._gateway(request)
        token = self.source.token()
        request.headers["Authorization"] = f"AnaplanAuthToken {token}"
        request.register_hook("response", self._retry_once(token))
        return request

    def _retry_once(self, token: str) -> Any:
        def hook(response: Any, **kwargs: Any) -> Any:
            if response.status_code != 401 or getattr(response.request, "_portal_retried", False):
                return response
            response.content  # noqa: B018 - read it, so the connection can be reused
            response.close()
            again = response.request.copy()
            again.headers["Authorization"] = f"AnaplanAuthToken {self.source.renew(token)}"
            again._portal_retried = True
            retried = response.connection.send(again, **kwargs)
            retried.history.append(response)
            retried.request = again
            return retried

        return hook


class GatewayAuth(_AuthBase):  # type: ignore[misc,valid-type]
    """Anaplan calls sent through the portal's gateway, for a key restricted to it (or any key whose calls should
    be recorded): each request's Anaplan API URL (``https://api.anaplan.com/2/0/…``, as anaplan-sdk builds them) is
    sent to ``{portal}/api/v1/anaplan/2/0/…`` with the key, and the portal puts the identity's token in. No token
    ever reaches the script; the gateway renews it on a 401 itself. An ``httpx.Auth`` (``httpx.Client(auth=…)``,
    ``anaplan_sdk.Client(auth=…)``) and a ``requests`` auth (``session.auth = GatewayAuth()``)."""

    requires_request_body = False
    requires_response_body = False

    def __init__(self, portal_url: Optional[str] = None, key: Optional[str] = None) -> None:
        self.portal_url, self._key = _settings(portal_url, key)

    def __repr__(self) -> str:  # never the key
        return f"GatewayAuth(portal_url={self.portal_url!r})"

    def gateway_url(self, url: str) -> str:
        """Where the gateway takes the call to ``url``: the same path and query under ``/api/v1/anaplan``."""
        parts = urllib.parse.urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.portal_url}/api/v1/anaplan{parts.path}{query}"

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        request.url = httpx.URL(self.gateway_url(str(request.url)))
        request.headers["Host"] = request.url.netloc.decode("ascii")
        request.headers["Authorization"] = f"Bearer {self._key}"
        yield request

    def __call__(self, request: Any) -> Any:
        request.url = self.gateway_url(request.url)
        request.headers["Authorization"] = f"Bearer {self._key}"
        return request
