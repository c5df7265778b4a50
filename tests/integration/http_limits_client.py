#!/usr/bin/env python3
"""Raw-socket client for tests/integration/http_limits.sh (standard library
only). Runs inside the test's namespace against a running unihost and prints
"ok - ..." / "not ok - ...: why" lines.

    http_limits_client.py timeouts ADDR REQUEST_TIMEOUT IDLE_TIMEOUT CAFILE
    http_limits_client.py shed ADDR PLAIN_POOL
    http_limits_client.py shed-tls ADDR TLS_POOL CAFILE
"""
import select
import socket
import ssl
import sys
import threading
import time

NAME = "www.unihost.test"
failures = 0


def report(ok, name, why=""):
    global failures
    if ok:
        print(f"ok - http_limits: {name}", flush=True)
    else:
        failures += 1
        print(f"not ok - http_limits: {name}: {why}", flush=True)


def connect(addr, port, timeout=5.0):
    s = socket.create_connection((addr, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_response(s):
    """Reads one response (headers + Content-Length body); returns (status, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} bytes of headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return status, body[:length]


def get(s, path="/"):
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode())
    return read_response(s)


def closed_by_peer(s, wait=0.0):
    """True if the peer closed (EOF or RST) within `wait` seconds."""
    try:
        r, _, _ = select.select([s], [], [], wait)
        if not r:
            return False
        s.setblocking(False)
        try:
            return s.recv(65536) == b""
        except ssl.SSLWantReadError:
            return False
        finally:
            s.setblocking(True)
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
        return True


def wait_closed(s, limit):
    """Seconds until the peer closes `s` (reading and discarding), or None."""
    start = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - start < limit:
        try:
            if s.recv(65536) == b"":
                return time.monotonic() - start
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            return time.monotonic() - start
    return None


# ---- slowloris and idle timeouts ------------------------------------------------

def trickle(addr, port, request_timeout, label, result):
    """Sends a request one byte a second; records when the server cut it off."""
    payload = (b"GET / HTTP/1.1\r\nHost: " + NAME.encode() + b"\r\nX-Slow: " + b"a" * 200) \
        if port == 80 else bytes.fromhex("16030100c8010000c40303") + b"\x00" * 200
    s = connect(addr, port)
    start = time.monotonic()
    s.settimeout(0.05)
    cut = None
    for i, b in enumerate(payload):
        if time.monotonic() - start > request_timeout + 6:
            break
        try:
            s.sendall(bytes([b]))
            if s.recv(4096) == b"":
                cut = time.monotonic() - start
                break
        except socket.timeout:
            pass
        except (ConnectionResetError, BrokenPipeError, OSError):
            cut = time.monotonic() - start
            break
        time.sleep(1.0)
    s.close()
    result[label] = cut


def timeouts(addr, request_timeout, idle_timeout, cafile):
    result = {}
    threads = [threading.Thread(target=trickle, args=(addr, 80, request_timeout, "plain", result)),
               threading.Thread(target=trickle, args=(addr, 443, request_timeout, "tls", result))]
    for t in threads:
        t.start()
    # Meanwhile, normal clients keep getting answers, over HTTP and HTTPS.
    ctx = ssl.create_default_context(cafile=cafile)
    served, errors = 0, []
    while any(t.is_alive() for t in threads):
        try:
            with connect(addr, 80) as s:
                status, body = get(s)
                served += status == 200 and len(body) > 0
            with ctx.wrap_socket(connect(addr, 443), server_hostname=NAME) as s:
                status, body = get(s)
                served += status == 200 and len(body) > 0
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            errors.append(repr(e))
        time.sleep(0.25)
    for t in threads:
        t.join()
    low, high = request_timeout - 0.5, request_timeout + 1.5
    for label, port in (("plain", 80), ("tls", 443)):
        cut = result.get(label)
        report(cut is not None and low <= cut <= high,
               f"slowloris on port {port} (one byte a second) is cut off after the {request_timeout} s request timeout",
               f"cut off after {cut if cut is None else round(cut, 2)} s, want {low}..{high}")
    report(served >= 4 and not errors, f"other clients were served meanwhile ({served} requests got 200)",
           f"{served} served, errors: {errors[:3]}")

    # Idle keep-alive: one request, then silence.
    s = connect(addr, 80)
    status, _ = get(s)
    after = wait_closed(s, idle_timeout + 4)
    report(status == 200 and after is not None and idle_timeout - 0.5 <= after <= idle_timeout + 1.5,
           f"an idle keep-alive connection is closed after the {idle_timeout} s idle timeout",
           f"status {status}, closed after {after}")
    s.close()
    # A connection that never sends anything.
    s = connect(addr, 80)
    after = wait_closed(s, idle_timeout + 4)
    report(after is not None and after <= idle_timeout + 1.5,
           "a connection that sends nothing is closed after the idle timeout", f"closed after {after}")
    s.close()
    # A slow but steady reader is not cut off by the request timeout: a
    # request whose response takes longer than it to read is fine.
    s = connect(addr, 80)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(f"GET / HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode() * 40)
    got, start = 0, time.monotonic()
    s.settimeout(idle_timeout + 2)
    try:
        while time.monotonic() - start < request_timeout + 1.5:
            chunk = s.recv(512)
            if not chunk:
                break
            got += len(chunk)
            time.sleep(0.02)
        alive = not closed_by_peer(s)
    except OSError:
        alive = False
    report(alive and got > 0, "a pipelining client reading slowly is not cut off by the request timeout",
           f"read {got} bytes in {round(time.monotonic() - start, 1)} s, alive {alive}")
    s.close()


# ---- shedding -------------------------------------------------------------------

def shed(addr, pool):
    """Fills the pool with idle keep-alive connections behind one that is
    mid-request, then opens more: the oldest idle ones go, the busy one and
    the newer ones stay, and the new ones are served."""
    busy = connect(addr, 80)
    busy.sendall(f"GET / HTTP/1.1\r\nHost: {NAME}\r\n".encode())    # no blank line yet
    time.sleep(0.05)
    idle = []
    for i in range(pool - 1):
        s = connect(addr, 80)
        status, _ = get(s)
        if status != 200:
            report(False, "fill the pool", f"connection {i}: status {status}")
            return
        idle.append(s)
        time.sleep(0.003)       # distinct ages, a few ms apart
    extra = 5
    fresh = []
    for i in range(extra):
        s = connect(addr, 80)
        fresh.append((s, get(s)[0]))
        time.sleep(0.003)
    time.sleep(0.3)
    report(all(st == 200 for _, st in fresh), f"{extra} connections past the bound of {pool} are served",
           f"statuses {[st for _, st in fresh]}")
    gone = [i for i, s in enumerate(idle) if closed_by_peer(s, 0.01)]
    report(gone == list(range(extra)), f"the {extra} oldest idle connections were shed, and only they",
           f"closed: {gone[:12]}{'...' if len(gone) > 12 else ''}")
    busy.sendall(b"\r\n")
    try:
        busy.settimeout(3)
        status, _ = read_response(busy)
    except OSError as e:
        status = repr(e)
    report(status == 200, "the older connection that was mid-request was kept, and its request answered",
           f"got {status}")
    for s in idle + [s for s, _ in fresh] + [busy]:
        s.close()


def shed_tls(addr, pool, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    conns = []
    for i in range(pool):
        s = ctx.wrap_socket(connect(addr, 443), server_hostname=NAME)
        status, _ = get(s)
        if status != 200:
            report(False, "fill the TLS pool", f"connection {i}: status {status}")
            return
        conns.append(s)
        time.sleep(0.005)
    extra = 3
    statuses = []
    fresh = []
    for i in range(extra):
        s = ctx.wrap_socket(connect(addr, 443), server_hostname=NAME)
        statuses.append(get(s)[0])
        fresh.append(s)
        time.sleep(0.005)
    time.sleep(0.3)
    report(statuses == [200] * extra, f"{extra} HTTPS connections past the TLS bound of {pool} are served",
           f"statuses {statuses}")
    gone = [i for i, s in enumerate(conns) if closed_by_peer(s, 0.01)]
    report(gone == list(range(extra)), f"the {extra} oldest idle HTTPS connections were shed, and only they",
           f"closed: {gone[:12]}")
    for s in conns + fresh:
        s.close()


def main():
    mode, addr = sys.argv[1], sys.argv[2]
    if mode == "timeouts":
        timeouts(addr, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif mode == "shed":
        shed(addr, int(sys.argv[3]))
    elif mode == "shed-tls":
        shed_tls(addr, int(sys.argv[3]), sys.argv[4])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
