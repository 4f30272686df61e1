"""The field screens under stress: runs with a life, every keystroke kept, a header that tells the
truth on a frozen server, nothing moving after first paint, Spanish offline.

Time is moved with Playwright's clock, never slept; a frozen server is a socket that accepts
connections and never answers."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import PHONE, query, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser


def _item(page: Page, item_id: str):
    return page.locator(f"#item-{item_id}")


def _hold(page: Page, button) -> None:
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    expect(button).to_contain_text("Keep holding")
    page.wait_for_timeout(2300)  # the hold itself: a person's two seconds, not a wait for the app
    page.mouse.up()


def _sent_for(server, run_id: str) -> int:
    """The exact-words answers the server has for one run."""
    rows = query(server, "select run_id from checklist_answer where item_id = 'exact-words'")
    return [str(row[0]).replace("-", "") for row in rows].count(run_id)


def test_a_call_left_for_31_minutes_is_offered_back_beside_a_new_call(page: Page, live_server):
    page.clock.install()
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    # Opening records nothing: a start screen, one tap from home, no clock running yet.
    begin = page.get_by_role("button", name="A call is on the line")
    expect(begin).to_be_visible()
    expect(page.locator("#run-body")).to_be_hidden()
    assert page.evaluate("MusterOutbox.outbox()") == []
    clock_now = "new Date().toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })"
    before = page.evaluate(clock_now)  # the call's minute: CI once crossed one while it began
    begin.click()
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#pinned-clocks .clock")).to_have_count(1)  # one call timer
    expect(_item(page, "call-timer")).to_be_hidden()
    _item(page, "arrived-by").get_by_role("radio", name="Phone call").click()
    started = {before, page.evaluate(clock_now)}

    page.reload()  # a minute later it is the same call: taken up again at once
    page.locator("#runner[data-ready]").wait_for()
    expect(_item(page, "arrived-by").get_by_role("radio", name="Phone call")).to_have_attribute(
        "aria-checked", "true"
    )

    page.clock.fast_forward("31:00")
    page.reload()
    minute = "|".join(re.escape(at) for at in started)
    resume = page.get_by_role(
        "button", name=re.compile(f"^Finish or discard the call from ({minute})$")
    )
    expect(resume).to_be_visible()
    new_call = page.get_by_role("button", name="New call")
    expect(new_call).to_be_visible()
    expect(page.locator("#run-body")).to_be_hidden()  # never resumed silently

    new_call.click()  # the next real call is a new run, with its own timer from zero
    expect(page.locator("#pinned-clocks .clock")).to_have_text(re.compile(r"^0:0\d$"))
    expect(_item(page, "arrived-by").get_by_role("radio", name="Phone call")).to_have_attribute(
        "aria-checked", "false"
    )

    page.clock.fast_forward("31:00")
    page.reload()
    page.get_by_role("button", name=re.compile("^Finish or discard the call from")).click()
    discard = page.get_by_role("button", name="Discard: this was not a real one")
    discard.click()
    page.get_by_role("button", name="Tap again to discard it for good").click()
    expect(page.get_by_role("button", name="A call is on the line")).to_be_visible()


def test_typed_words_survive_an_instant_reload_and_reach_the_server_once(page: Page, live_server):
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    words = "I left a bag by the east stairs. You have until two o'clock."
    field = _item(page, "exact-words").locator("textarea")
    field.press_sequentially(words)  # typed; the field never loses focus
    page.reload()  # at once: a tab closed, a phone call, a crash
    page.locator("#runner[data-ready]").wait_for()
    expect(field).to_have_value(words)
    run_id = page.evaluate(
        """async () => (await MusterOutbox.journal())
            .find((e) => e.type === "checklist.started").payload.run_id"""
    )
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    assert _sent_for(live_server, run_id.replace("-", "")) == 1
    # More words, then the field is left: one more settled answer, not one a keystroke.
    field.press_sequentially(" Tell the principal.")
    page.locator("h1").click()
    mine = run_id.replace("-", "")
    deadline = time.monotonic() + 20
    while _sent_for(live_server, mine) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    assert _sent_for(live_server, mine) == 2


class FrozenServer:
    """Accepts every connection and never answers: a weak signal, a hung proxy."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.held: list[socket.socket] = []
        self.open = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.open:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.open = False
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=5)
        for conn in self.held:
            conn.close()


def test_a_frozen_server_reads_offline_within_seconds_and_an_alert_says_not_sent(
    page: Page, live_server
):
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    wait_for_offline_cache(page)
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#sync-status")).to_have_attribute("data-state", "ok", timeout=20000)
    # The run's start has reached the server (the header read "ok" before it was even recorded).
    deadline = time.monotonic() + 20
    while page.evaluate("async () => (await MusterOutbox.outbox()).length") and (
        time.monotonic() < deadline
    ):
        page.wait_for_timeout(200)

    live_server.stop()
    frozen = FrozenServer(live_server.port)
    try:
        page.reload()  # the page itself comes from the phone after the worker's timeout
        page.locator("#runner[data-ready]").wait_for()
        _item(page, "arrived-by").get_by_role("radio", name="Phone call").click()
        status = page.locator("#sync-status")
        expect(status).to_have_attribute("data-state", "offline", timeout=10000)
        # The answer waits; the run itself was sent before the freeze.
        expect(page.locator("#sync-text")).to_have_text("Offline: 1 saved")

        button = _item(page, "silent-alert").locator("[data-hold]")
        _hold(page, button)
        # After the 5 s undo window (every alert from a phone has one), it is on its way.
        expect(button.locator(".hold-state")).to_have_text("Alert raised, sending", timeout=10000)
        expect(status).to_have_attribute("data-state", "alert", timeout=10000)
        expect(page.locator("#sync-text")).to_have_text("Alert not sent")
        expect(button.locator(".hold-state")).to_have_text("NOT SENT: call 911", timeout=10000)
        # The header stays one row of the same height whatever it says.
        assert page.locator(".app-header").bounding_box()["height"] <= 60
    finally:
        frozen.close()
    live_server.start()
    expect(button.locator(".hold-state")).to_have_text("Alert sent", timeout=30000)
    expect(status).to_have_attribute("data-state", "ok", timeout=20000)


@pytest.mark.parametrize("width", [320, 390])
def test_the_header_keeps_one_height_on_a_small_phone_in_both_languages(
    browser, live_server, width
):
    people = (("en-US", "office@demo.muster.test"), ("es-MX", "driver@demo.muster.test"))
    for locale, email in people:
        size = {"width": width, "height": 640}
        context = browser.new_context(**{**PHONE, "viewport": size}, locale=locale)
        page = context.new_page()
        page.goto(f"{live_server.url}/sign-in")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill("muster-demo")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        heights = set()
        # Every state the header can be in, with the longest counts it can show.
        for counts, reachable in (
            ({"pending": 0, "events": 0, "photos": 0, "rejected": 0, "alerts": 0}, True),
            ({"pending": 0, "events": 0, "photos": 0, "rejected": 0, "alerts": 0}, False),
            ({"pending": 250, "events": 249, "photos": 1, "rejected": 0, "alerts": 0}, False),
            ({"pending": 250, "events": 250, "photos": 0, "rejected": 0, "alerts": 0}, True),
            ({"pending": 3, "events": 3, "photos": 0, "rejected": 12, "alerts": 0}, True),
            ({"pending": 3, "events": 3, "photos": 0, "rejected": 0, "alerts": 1}, False),
        ):
            page.evaluate(
                """async ([counts, reachable]) => {
                    const { headline } = await import(document.querySelector(
                        "script[src*='app.js']").src.replace("app.js", "sync-status.js"));
                    const [state, words] = headline(
                        { ...counts, alertSince: "2000-01-01T00:00:00Z" },
                        { reachable, signIn: false, sending: false });
                    document.getElementById("sync-status").dataset.state = state;
                    document.getElementById("send-now").hidden = !counts.pending;
                    document.getElementById("sync-words").textContent = words;
                }""",
                [counts, reachable],
            )
            heights.add(round(page.locator(".app-header").bounding_box()["height"]))
            words = page.locator("#sync-words")
            # Nothing cut off: the words fit their two short lines at most.
            assert words.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), (
                locale,
                words.text_content(),
            )
        assert len(heights) == 1 and heights.pop() <= 60, locale
        context.close()


def test_nothing_moves_on_home_after_the_notices_appear(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.add_init_script(
        """window.__shift = 0;
        new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
                if (!entry.hadRecentInput) window.__shift += entry.value;
            }
        }).observe({ type: "layout-shift", buffered: true });"""
    )
    sign_in(page, live_server, "office@demo.muster.test")
    show = """async (id) => {
        const { showNotice } = await import(document.querySelector("script[src*='app.js']")
            .src.replace("app.js", "notices.js"));
        if (id === "install-hint") document.getElementById("install-app").hidden = false;
        showNotice(document.getElementById(id));
    }"""
    page.evaluate(show, "install-hint")  # as Chrome offers it, before or after the card below
    expect(page.locator("#install-hint")).to_be_visible()
    placed = page.locator("#install-hint").bounding_box()["y"]
    # The alerts set-up notice appears once the service worker is ready: below those shown.
    expect(page.locator("#push-optin")).to_be_visible(timeout=20000)
    page.evaluate(show, "update-ready")
    expect(page.locator("#update-ready")).to_be_visible()
    assert page.locator("#install-hint").bounding_box()["y"] == placed  # stays where it was
    page.wait_for_timeout(500)  # a frame or two for any shift to be reported
    assert page.evaluate("window.__shift") == 0
    # Emergencies first: the first thing under the greeting is the urgent journey.
    # (the panic button, then the journeys: the call script before anything that isn't urgent)
    first = page.locator("main a:visible, main button:visible").first
    expect(first).to_have_text(re.compile("Emergency: I need help here"))
    journeys = page.locator("main .journeys a:visible, main nav a:visible")
    if journeys.count():
        expect(journeys.first).to_have_text(re.compile("Call an action|Threatening call"))
    context.close()


def test_spanish_chosen_offline_renders_spanish_offline(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page, paths=("/checklists/bleeding-control",))
    deadline = time.monotonic() + 20
    # ...and the same two pages in Spanish (each copy is fetched after its English one, so the
    # home's can come last: CI once stopped the server before it was kept).
    while not page.evaluate(
        """async () => {
            const kept = (await (await caches.open("muster-pages-languages")).keys())
                .map((r) => new URL(r.url)).map((u) => u.pathname + u.search);
            return ["/?muster-lang=es", "/checklists/bleeding-control?muster-lang=es"]
                .every((wanted) => kept.includes(wanted));
        }"""
    ):
        assert time.monotonic() < deadline, "the Spanish pages were not kept"
        page.wait_for_timeout(200)
    live_server.stop()
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Control de sangrado")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(".journeys")).to_contain_text("Control de sangrado")
    live_server.start()  # back online: the choice reaches the person's settings
    page.locator("details.menu summary").click()
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_the_step_count_never_jumps_up_mid_way(page: Page, live_server):
    """Bleeding control said "Step 1 of 9", then "Step 8 of 15" once a branch opened."""
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    page.locator("#runner[data-ready]").wait_for()
    label = page.locator("#runner-progress-label")
    totals = []
    for _ in range(20):
        found = re.fullmatch(r"Step (\d+) of (\d+)", label.text_content())
        assert found, label.text_content()
        totals.append(int(found[2]))
        wound = page.locator("#item-wound-place")
        if wound.is_visible():  # the chest: every tourniquet step closes
            wound.get_by_text("Chest or belly").click()
        if page.locator("#run-complete").is_visible():
            break
        page.locator("#step-next").click()
    assert totals == sorted(totals, reverse=True), totals  # only ever down, as branches close
    assert totals[-1] < totals[0]  # "No" closed the tourniquet steps
    # Nothing is recorded by opening or paging through: the first answer made the run.
    started = """async () => (await MusterOutbox.journal())
        .filter((e) => e.type === "checklist.started").length"""
    assert page.evaluate(started) == 1


# Chromium marks the shifts of a page's first moments as after input, though nothing is pressed,
# and Lighthouse counts those of the first half second: bleeding control's practice link, once
# drawn by the script, moved the list 40 px (0.031 there, 0 here); test_pages checks the server
# draws it. Counted here, they would also count a frame drawn while the parser is mid-page, which
# only blocking the first frame avoids (that drew it seconds late).
# The browser offers the install at once (it did under Lighthouse: the notice then rose a whole
# screen when the call script's start screen replaced its hidden list).
SHIFTS = """window.__shift = 0;
    window.__moved = [];
    const listen = window.addEventListener;
    window.addEventListener = function (type, handler, ...rest) {
        if (type === "beforeinstallprompt") {
            const offer = new Event("beforeinstallprompt", { cancelable: true });
            offer.prompt = () => {};
            offer.userChoice = new Promise(() => {});
            queueMicrotask(() => handler(offer));
        }
        return listen.call(this, type, handler, ...rest);
    };
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (entry.hadRecentInput) continue;
            window.__shift += entry.value;
            for (const source of entry.sources || []) {
                const node = source.node;
                window.__moved.push({
                    node: node ? (node.id || node.className || node.nodeName) : "?",
                    text: node && node.textContent ? node.textContent.trim().slice(0, 60) : "",
                    from: JSON.stringify(source.previousRect),
                    to: JSON.stringify(source.currentRect),
                });
            }
        }
    }).observe({ type: "layout-shift", buffered: true });"""


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("office", "/checklists/threat-call"),
        ("driver", "/checklists/bus-pre-route"),
        ("driver", "/checklists/bleeding-control"),
        ("staff", "/reports/new"),
    ],
)
def test_no_field_page_moves_after_first_paint(browser, live_server, person, path):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, f"{person}@demo.muster.test")
    page.add_init_script(SHIFTS)
    # A phone's slower processor: the page's script lands well after the first paint.
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(f"{live_server.url}{path}")
    page.locator("#runner[data-ready], #report-form").first.wait_for()
    page.wait_for_timeout(500)  # a frame or two for any shift to be reported
    # What moved, named, so a failure says where to look.
    assert page.evaluate("window.__shift") == 0, page.evaluate("window.__moved")
    context.close()
