#!/usr/bin/env python3
"""The live-reload loop seen from a browser: a page open in a running
headless Chromium (DevTools protocol, cdp_crawl.py's client), its Markdown
source saved as an editor saves it, and the page's text read back through
DevTools. The browser is never told to navigate after the first load: a
change can only show through the page's own live-reload script.

Usage:
  cdp_live.py test DEVTOOLS_PORT URL MARKDOWN AS_CRUNCH_NAMES_IT
      saves a change (must show), a broken link (the error page must show
      "AS_CRUNCH_NAMES_IT:LINE: ..."), then the fix (the page must be back);
      prints "ok - ..." / "not ok - ..." lines, exits 1 on a failure.
  cdp_live.py bench DEVTOOLS_PORT URL MARKDOWN SAVES
      SAVES changes, each timed from the file's write to the DevTools event
      of the reloaded page's load, its new text checked; prints each time
      and the median and maximum in ms.
The Markdown file is restored as it was at the end. Waits are bounded
(generous: they say a change never showed, not that it was slow).
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp_crawl import Session, page_target  # noqa: E402

WAIT = 20.0     # seconds for something that should take well under one


def evaluate(session, expression, deadline):
    result = session.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, deadline)
    return result.get("result", {}).get("value")


def page_text(session, deadline):
    return evaluate(session, "document.body ? document.body.innerText : ''", deadline) or ""


def live_build(session, deadline):
    """The build the page's live-reload script confirmed current, or None."""
    return evaluate(session, "document.documentElement.getAttribute('data-unihost-live')", deadline)


def wait_until(session, predicate, what):
    """Polls predicate(deadline) until it is true; TimeoutError naming `what`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if predicate(deadline):
                return
        except RuntimeError:
            pass            # the page was navigating away: its context is gone
        time.sleep(0.02)
    raise TimeoutError(what)


def save(path, text):
    """As an editor saves: the whole file rewritten and closed."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def open_page(session, url):
    deadline = time.monotonic() + WAIT
    session.call("Page.enable", None, deadline)
    session.call("Runtime.enable", None, deadline)
    session.events = []
    session.call("Page.navigate", {"url": url}, deadline)
    session.wait_event("Page.loadEventFired", deadline)
    wait_until(session, lambda d: live_build(session, d), "the page's live-reload stream to open")


def test(session, url, markdown, shown_as):
    original = open(markdown, encoding="utf-8").read()
    failed = 0

    def report(name, passed, why=""):
        nonlocal failed
        print(f"ok - {name}" if passed else f"not ok - {name}: {why}")
        failed += not passed

    try:
        open_page(session, url)
        report("the page is open and its live-reload stream is connected", True)
        first_build = live_build(session, time.monotonic() + WAIT)
        navigations = sum(1 for e in session.events if e["method"] == "Page.frameNavigated")

        marker = f"Live reload marker {os.getpid()}-one"
        save(markdown, original + f"\n\n{marker}\n")
        try:
            wait_until(session, lambda d: marker in page_text(session, d), "the change to show")
            shown = True
        except TimeoutError:
            shown = False
        report("saving a change to the Markdown shows it in the open page, no browser action", shown,
               f"the page never showed \"{marker}\"")
        try:
            wait_until(session, lambda d: live_build(session, d) not in (None, first_build),
                       "the reloaded page's stream")
            new_build = True
        except TimeoutError:
            new_build = False
        reloaded = sum(1 for e in session.events if e["method"] == "Page.frameNavigated") > navigations
        report("... by the page reloading itself (its own script), a new build confirmed by its stream",
               reloaded and new_build, f"navigation seen: {reloaded}; a new build confirmed: {new_build}")

        broken = original + f"\n\n{marker}\n\n[a broken link](/no-such-page-{os.getpid()})\n"
        line = broken.count("\n", 0, broken.index("[a broken link]")) + 1
        where = f"{shown_as}:{line}: link to /no-such-page-{os.getpid()}, which the site does not publish"
        save(markdown, broken)
        try:
            wait_until(session, lambda d: where in page_text(session, d), "the error page")
            shown = True
        except TimeoutError:
            shown = False
        report("saving a broken link shows the error page with crunch's FILE:LINE", shown,
               f"the page never showed \"{where}\"; it shows: {page_text(session, time.monotonic() + 5)[:300]!r}")
        if shown:
            title = evaluate(session, "document.title", time.monotonic() + WAIT)
            report("the error page says the site does not build", "does not build" in (title or ""), repr(title))
            wait_until(session, lambda d: live_build(session, d), "the error page's live-reload stream")

        fixed = f"Live reload marker {os.getpid()}-fixed"
        save(markdown, original + f"\n\n{fixed}\n")
        try:
            wait_until(session, lambda d: fixed in page_text(session, d) and where not in page_text(session, d),
                       "the page to come back")
            shown = True
        except TimeoutError:
            shown = False
        report("fixing the link brings the page back, with the fix", shown,
               f"it shows: {page_text(session, time.monotonic() + 5)[:300]!r}")
    except (TimeoutError, ConnectionError, RuntimeError) as e:
        report("live reload in the browser", False, f"{type(e).__name__} {e}")
    finally:
        save(markdown, original)
    return 1 if failed else 0


def bench(session, url, markdown, saves):
    original = open(markdown, encoding="utf-8").read()
    times = []
    try:
        open_page(session, url)
        for i in range(saves):
            marker = f"Bench marker {os.getpid()}-{i}"
            session.events = []
            start = time.monotonic()
            save(markdown, original + f"\n\n{marker}\n")
            deadline = start + WAIT
            # The reloaded page's load event, then its text checked (a load
            # that does not show the marker is not the one timed).
            while True:
                session.wait_event("Page.loadEventFired", deadline)
                loaded = time.monotonic()
                if marker in page_text(session, deadline):
                    break
            times.append((loaded - start) * 1000)
            print(f"# save {i + 1}: {times[-1]:.0f} ms")
            # The next save once this page's stream is open, as an editing
            # person would; then a pause, so saves never share a debounce.
            wait_until(session, lambda d: live_build(session, d), "the reloaded page's stream")
            time.sleep(0.3)
    finally:
        save(markdown, original)
    print(f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {len(times)} saves")
    return 0


def main():
    mode, port, url, markdown = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    session = Session(page_target(port, time.monotonic() + 30), WAIT)
    if mode == "test":
        return test(session, url, markdown, sys.argv[5])
    return bench(session, url, markdown, int(sys.argv[5]))


if __name__ == "__main__":
    sys.exit(main())
