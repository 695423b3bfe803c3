"""The Locust side of bench/load.py, in its own process (gevent patches the world on import; the
Django process that builds the data stays unpatched).

    python bench/_load_locust.py PLAN.json RESULT.json

PLAN names the host, the mode ("full": the product's pages; "bare": the bench-only baseline views
reading the same rows), the users, the seconds, the accounts and the rows to visit. Every simulated
user is one desk working the role mix: werkvoorraad (beoordelaar), signal page (regisseur), a
weging step posted with CSRF (beoordelaar), an intake through the staff form (beoordelaar), a casus
page (regisseur) and beeld pages (analist), each role in its own logged-in session. The same mix
at 1 user and at N users, so the ratio compares like with like. RESULT holds every timed request.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, task
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_TEXT = re.compile(r'class="utrecht-(?:form-field-error-message|paragraph)"[^>]*>([^<]+)<')
PLAN: dict = {}
LOGGED_IN = [0]
SAMPLES: list[tuple[str, float, bool]] = []
RECORDING = False


def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
    if RECORDING and not name.startswith("login"):
        SAMPLES.append((name, response_time, exception is None))


def _token(body: str) -> str:
    found = CSRF.search(body)
    return found.group(1) if found else ""


def _why(reply) -> str:
    """What went wrong, short: the exception of a failed connection, or the page's error texts."""
    if reply.status_code == 0:
        return repr(getattr(reply, "error", None))[:200]
    texts = [t.strip() for t in ERROR_TEXT.findall(reply.text or "") if "foutmelding" in (reply.text or "")]
    return " | ".join(texts)[:300]


class Desk(FastHttpUser):
    wait_time = between(1, 3)  # replaced from the plan
    host = "http://127.0.0.1"

    def on_start(self):
        """This desk's sessions: logged in through the login form by load.py before the run (the
        morning's logins are not the mix; PBKDF2 for 150 logins at once would be all we measured)."""
        desk = PLAN["desks"][LOGGED_IN[0] % len(PLAN["desks"])]
        LOGGED_IN[0] += 1
        self.sessions = {}
        for role, cookies in desk.items():
            session = FastHttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
            for name, value in cookies.items():
                session.cookiejar.set_cookie(Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True,
                                                    False, None, False, None, None, {}))
            self.sessions[role] = session
        self.bare = PLAN["mode"] == "bare"

    def _get(self, role, path, name, marker=None):
        with self.sessions[role].get(path, name=name, catch_response=True) as reply:
            if reply.status_code != 200 or (marker and marker not in (reply.text or "")):
                reply.failure(f"{name}: HTTP {reply.status_code} {_why(reply)}")
            return reply.text or ""

    def _post(self, role, path, name, data, expect):
        body = urlencode(data, doseq=True)  # lists as repeated fields, like a browser's checkboxes
        with self.sessions[role].post(path, data=body, name=name, allow_redirects=False, catch_response=True,
                                      headers={"Content-Type": "application/x-www-form-urlencoded"}) as reply:
            if reply.status_code != expect:
                reply.failure(f"{name}: HTTP {reply.status_code} {_why(reply)}")

    @task(4)
    def queue(self):
        if self.bare:
            self._get("beoordelaar", "/bench/bare/werkvoorraad", "queue")
        else:
            self._get("beoordelaar", "/werkvoorraad/", "queue", ">Werkvoorraad</h1>")

    @task(3)
    def signal_page(self):
        reference = random.choice(PLAN["signals"])
        if self.bare:
            self._get("regisseur", f"/bench/bare/signalen/{reference}", "signal page")
        else:
            self._get("regisseur", f"/signalen/{reference}/", "signal page", reference)

    @task(2)
    def weging(self):
        if not PLAN["to_weigh"]:
            return self.signal_page()
        reference = PLAN["to_weigh"].pop()
        data = {"purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e",
                "w1_kenmerken": ["openbare_orde"], "w1_verankering": ["gelegenheid_zakelijk"]}
        for prefix in ("w1", "w2a", "w2b"):
            data.update({f"{prefix}_decision": "ja", f"{prefix}_reasoning": "Zo gewogen (benchmark)."})
        if self.bare:
            self._get("beoordelaar", f"/bench/bare/signalen/{reference}", "weging form")
            self._post("beoordelaar", f"/bench/bare/signalen/{reference}/weging", "weging post", data, 201)
        else:
            body = self._get("beoordelaar", f"/signalen/{reference}/stap-1/", "weging form", "csrfmiddlewaretoken")
            self._post("beoordelaar", f"/signalen/{reference}/stap-1/", "weging post",
                       {**data, "csrfmiddlewaretoken": _token(body)}, 302)

    @task(2)
    def intake(self):
        data = {"channel": "intern", "reporter_kind": "medewerker", "phenomenon": random.choice(PLAN["phenomena"]),
                "description": "Afgeplakte ramen en veel bezoek 's nachts (benchmark).",
                "location_text": "de loods achter het tankstation",
                "betrokkene-TOTAL_FORMS": "1", "betrokkene-INITIAL_FORMS": "0",
                "betrokkene-MIN_NUM_FORMS": "0", "betrokkene-MAX_NUM_FORMS": "10"}
        if self.bare:
            self._get("beoordelaar", "/bench/bare/werkvoorraad", "intake form")
            self._post("beoordelaar", "/bench/bare/signalen", "intake post", data, 201)
        else:
            body = self._get("beoordelaar", "/signalen/nieuw/", "intake form", "csrfmiddlewaretoken")
            self._post("beoordelaar", "/signalen/nieuw/", "intake post", {**data, "csrfmiddlewaretoken": _token(body)},
                       302)

    @task(2)
    def casus_page(self):
        reference = random.choice(PLAN["casussen"])
        if self.bare:
            self._get("regisseur", f"/bench/bare/casussen/{reference}", "casus page")
        else:
            self._get("regisseur", f"/casussen/{reference}/", "casus page", reference)

    @task(2)
    def beeld(self):
        path = random.choice(["/ondermijningsbeeld/"] + [f"/ondermijningsbeeld/thema/{t}/" for t in PLAN["themes"]])
        if self.bare:
            self._get("analist", "/bench/bare/beeld", "beeld page")
        else:
            self._get("analist", path, "beeld page", "<h1")


def main() -> None:
    global RECORDING
    PLAN.update(json.loads(Path(sys.argv[1]).read_text()))
    random.seed(PLAN.get("seed", 1))
    Desk.host = PLAN["host"]
    Desk.wait_time = between(*PLAN["think_seconds"])
    env = Environment(user_classes=[Desk])
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    users = PLAN["users"]
    runner.start(users, spawn_rate=max(1, users / 10))
    started = time.monotonic()
    while LOGGED_IN[0] < users and time.monotonic() - started < 180:
        gevent.sleep(0.5)
    gevent.sleep(PLAN["warmup_seconds"])  # every desk logged in and past its first pages
    RECORDING = True
    gevent.sleep(PLAN["seconds"])
    RECORDING = False
    runner.quit()
    failures = sorted({str(e) for e in env.stats.errors.values()})[:10] if env.stats.errors else []
    errors = [f"{e.name}: {e.error} ({e.occurrences}x)" for e in env.stats.errors.values()][:10]
    Path(sys.argv[2]).write_text(json.dumps({"samples": SAMPLES, "errors": errors or failures, "users": users}))


if __name__ == "__main__":
    main()
