"""anaplan_portal against a running portal and its Anaplan (the simulator, in the portal's tests).

Run by tests/e2e/clients.spec.ts, which creates the identity and its key through the portal's pages and sets:
ANAPLAN_PORTAL_URL, ANAPLAN_PORTAL_KEY, ANAPLAN_API_URL (Anaplan's API host) and ANAPLAN_AUTH_URL (its auth host).
"""

import gzip
import os
import threading
import unittest
import urllib.request

import httpx
import requests

import anaplan_portal
from anaplan_portal import GatewayAuth, PortalAuth, PortalError, TokenSource, Workload, github_actions_token

API = os.environ["ANAPLAN_API_URL"]
AUTH = os.environ["ANAPLAN_AUTH_URL"]
ME = f"{API}/2/0/users/me"


class CountingSource(TokenSource):
    """Counts the calls to the portal, to show what the cache saves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fetches = 0

    def _fetch(self, body):
        self.fetches += 1
        super()._fetch(body)


def counting_auth() -> PortalAuth:
    auth = PortalAuth()
    auth.source = CountingSource()
    return auth


def end_at_anaplan(token: str) -> None:
    """Logs the token out at Anaplan behind the portal's back, so Anaplan answers 401 to it."""
    request = urllib.request.Request(
        f"{AUTH}/token/logout", method="POST", headers={"Authorization": f"AnaplanAuthToken {token}"}
    )
    urllib.request.urlopen(request, timeout=10).close()


class PortalAuthTest(unittest.TestCase):
    def test_installed_package_is_the_one_under_test(self):
        self.assertEqual(anaplan_portal.__version__, "0.1.0")
        self.assertNotIn("clients/python/anaplan_portal", anaplan_portal.__file__)

    def test_httpx_client_calls_anaplan_and_the_token_is_cached(self):
        auth = counting_auth()
        with httpx.Client(auth=auth) as client:
            first = client.get(ME)
            second = client.get(ME)
        self.assertEqual(first.status_code, 200, first.text)
        self.assertEqual(second.json()["user"]["email"], "service@simulator.example")
        self.assertEqual(auth.source.fetches, 1)

    def test_requests_session_calls_anaplan(self):
        session = requests.Session()
        session.auth = counting_auth()
        answer = session.get(ME, timeout=30)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(answer.json()["user"]["email"], "service@simulator.example")

    def test_threads_share_one_fetch(self):
        source = CountingSource()
        tokens = []
        threads = [threading.Thread(target=lambda: tokens.append(source.token())) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(source.fetches, 1)
        self.assertEqual(len(set(tokens)), 1)

    def test_a_401_from_anaplan_renews_the_token_once_httpx(self):
        auth = counting_auth()
        with httpx.Client(auth=auth) as client:
            self.assertEqual(client.get(ME).status_code, 200)
            end_at_anaplan(auth.source.token())
            answer = client.get(ME)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(auth.source.fetches, 2)

    def test_a_401_from_anaplan_renews_the_token_once_requests(self):
        session = requests.Session()
        session.auth = counting_auth()
        self.assertEqual(session.get(ME, timeout=30).status_code, 200)
        end_at_anaplan(session.auth.source.token())
        answer = session.get(ME, timeout=30)
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual([r.status_code for r in answer.history], [401])

    def test_a_refused_key_raises_with_the_portals_code_and_words(self):
        with self.assertRaises(PortalError) as refused:
            TokenSource(key="atp_AAAAAAAAAAAA_" + "A" * 43).token()
        self.assertEqual(refused.exception.status, 401)
        self.assertEqual(refused.exception.code, "invalid_key")
        self.assertIn("Authorization: Bearer", str(refused.exception))

    def test_missing_settings_say_which(self):
        with self.assertRaisesRegex(ValueError, "ANAPLAN_PORTAL_URL"):
            _without("ANAPLAN_PORTAL_URL", TokenSource)
        with self.assertRaisesRegex(ValueError, "ANAPLAN_PORTAL_KEY"):
            _without("ANAPLAN_PORTAL_KEY", TokenSource)
        self.assertNotIn(os.environ["ANAPLAN_PORTAL_KEY"], repr(PortalAuth()))


def _without(variable, build):
    saved = os.environ.pop(variable)
    try:
        return build()
    finally:
        os.environ[variable] = saved


if __name__ == "__main__":
    unittest.main()


class KeylessTest(unittest.TestCase):
    """ANAPLAN_PORTAL_IDENTITY trusts GitHub workflows; ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN stand in for GitHub."""

    def test_a_workload_exchanges_its_github_token_and_needs_no_key(self):
        workload = Workload(
            os.environ["ANAPLAN_PORTAL_IDENTITY"], github_actions_token(os.environ["ANAPLAN_PORTAL_URL"])
        )
        source = TokenSource(key="", workload=workload)
        with httpx.Client(auth=PortalAuth(workload=workload)) as client:
            me = client.get(ME)
        self.assertEqual(me.json()["user"]["email"], "service@simulator.example")
        self.assertTrue(source.token())


class GatewayTest(unittest.TestCase):
    """anaplan-sdk's own requests (anaplan_sdk/_services.py and _clients/_bulk.py: its hard-coded api.anaplan.com
    URLs, limit=5000 paging, JSON task bodies, gzip chunks), sent through the portal's gateway by GatewayAuth."""

    MODEL = (
        f"https://api.anaplan.com/2/0/workspaces/{os.environ['ANAPLAN_WORKSPACE_ID']}"
        f"/models/{os.environ['ANAPLAN_MODEL_ID']}"
    )

    def test_the_sdk_export_flow_runs_through_the_gateway_with_httpx(self):
        json_header = {"Content-Type": "application/json"}
        # As anaplan-sdk is given it: anaplan_sdk.Client(auth=PortalAuth(gateway=True), …) builds this client.
        with httpx.Client(auth=PortalAuth(gateway=True)) as client:
            exports = client.get(f"{self.MODEL}/exports", params={"limit": 5000}).json()
            self.assertEqual(exports["meta"]["paging"]["totalSize"], len(exports["exports"]))
            export = exports["exports"][1]["id"]
            task = client.post(f"{self.MODEL}/exports/{export}/tasks", headers=json_header, json={"localeName": "en_US"})
            self.assertEqual(task.status_code, 200, task.text)
            status = client.get(f"{self.MODEL}/exports/{export}/tasks/{task.json()['task']['taskId']}").json()
            self.assertEqual(status["task"]["taskState"], "COMPLETE")
            files = client.get(f"{self.MODEL}/files", params={"limit": 5000}).json()["files"]
            self.assertEqual(next(f for f in files if f["id"] == export)["chunkCount"], 1)
            content = client.get(f"{self.MODEL}/files/{export}").content
        self.assertTrue(content.startswith(b"Account,Period,Value\n"))

    def test_the_sdk_chunked_upload_runs_through_the_gateway_with_requests(self):
        session = requests.Session()
        session.auth = GatewayAuth()
        chunks = [b"Account,Value\n" + b"A1,1\n" * 1000, b"A2,2\n" * 1000]
        started = session.post(f"{self.MODEL}/files/113000000000", json={"chunkCount": len(chunks)}, timeout=30)
        self.assertEqual(started.json()["file"]["id"], "113000000000")
        for index, chunk in enumerate(chunks):
            put = session.put(
                f"{self.MODEL}/files/113000000000/chunks/{index}",
                headers={"Content-Type": "application/x-gzip"},
                data=gzip.compress(chunk),
                timeout=30,
            )
            self.assertEqual(put.status_code, 204, put.text)
        whole = session.get(f"{self.MODEL}/files/113000000000", timeout=30)
        self.assertEqual(whole.content, b"".join(chunks))

    def test_the_gateway_never_hands_a_token_to_the_script(self):
        auth = GatewayAuth()
        self.assertEqual(
            auth.gateway_url("https://api.anaplan.com/2/0/workspaces?tenantDetails=true"),
            f"{os.environ['ANAPLAN_PORTAL_URL']}/api/v1/anaplan/2/0/workspaces?tenantDetails=true",
        )
        self.assertNotIn(os.environ["ANAPLAN_PORTAL_KEY"], repr(auth))
        self.assertNotIn(os.environ["ANAPLAN_PORTAL_KEY"], repr(PortalAuth(gateway=True)))
