#!/usr/bin/env python3
"""The hostile requests of tests/integration/logs.sh: client bytes that
would forge log lines or drive a terminal, if unihost wrote them as they
came. Standard library only. Run inside the test's namespace:

    loghostile.py http MARK      -- plain HTTP to port 80: path and
                                    User-Agent with ESC sequences and other
                                    control bytes, a CR LF injection
    loghostile.py https MARK     -- the same over TLS, with an SNI carrying
                                    LF and ESC too
    loghostile.py dns MARK       -- a DNS query over UDP whose name has
                                    CR, LF, ESC and a dot in its labels

MARK is a word of the test's, put in the paths (MARK-path, MARK-ua) so
that the test finds the requests' lines. Prints each response's status
line (or "no response").
Every wait is bounded.
"""
import socket
import ssl
import sys

SERVER = "192.0.2.2"
# Terminal escapes (a colour, a window title by OSC), DEL and other
# control bytes: in a target and a User-Agent they are bytes of the field
# (a CR or LF would end the line instead: see INJECT).
EVIL = "\x1b[31m\x1b]0;owned\x07\x7f\x01"
# A CR LF inside a header value ends it and starts a field line of its own
# that reads like a log line: it must stay a header, never a line.
INJECT = "X-Inject: a\r\nunihost: access: forged\r\n"


def requests(mark):
    """Two: the target is refused first, so the User-Agent gets a request
    of its own (after an INJECT field line: a header, never a log line)."""
    ua = "evil" + EVIL + "\x1b[0m"
    host = "Host: www.unihost.test\r\n"
    return [("GET /" + mark + "-path" + EVIL + " HTTP/1.1\r\n" + host + "User-Agent: " + ua + "\r\n\r\n"),
            ("GET /" + mark + "-ua HTTP/1.1\r\n" + host + INJECT + "User-Agent: " + ua + "\r\n\r\n")]


def exchange(sock, data):
    sock.sendall(data)
    reply = b""
    try:
        while len(reply) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    except (socket.timeout, ssl.SSLError, OSError):
        pass
    return reply


def main():
    kind, mark = sys.argv[1], sys.argv[2]
    if kind == "dns":
        label = (mark + "\r\nunihost: query: forged\x1b[31m.").encode("latin-1")
        qname = bytes([len(label)]) + label + b"\x04test\x00"
        query = b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" + qname + b"\x00\x01\x00\x01"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(query, (SERVER, 53))
            try:
                reply = s.recv(4096)
                print("rcode %d" % (reply[3] & 15))
            except socket.timeout:
                print("no response")
        return
    for req in requests(mark):
        data = req.encode("latin-1")
        if kind == "http":
            with socket.create_connection((SERVER, 80), timeout=5) as s:
                reply = exchange(s, data)
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            # Python encodes the name with its IDNA codec, which lets
            # control bytes through in an ASCII label; OpenSSL sends the
            # bytes as given.
            sni = "www\n\x1b[31m" + mark + ".test"
            with socket.create_connection((SERVER, 443), timeout=5) as raw:
                with ctx.wrap_socket(raw, server_hostname=sni) as s:
                    reply = exchange(s, data)
        line = reply.split(b"\r\n", 1)[0]
        print(line.decode("latin-1") if line else "no response")


if __name__ == "__main__":
    main()
