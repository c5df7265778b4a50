#!/usr/bin/env python3
"""The pushes of tests/integration/manage.sh that curl cannot make: a
request cut off in its body, a head alone with a huge Content-Length, and
a push held open half-way while another is tried. TLS with Python's ssl
module, trusting exactly the test's certificate.

  manage_client.py partial ADDR PORT CERT BLOB SIG   head and half the body, then close; prints "closed"
  manage_client.py head ADDR PORT CERT LENGTH SIG    the head alone; prints the answer's status line
  manage_client.py hold ADDR PORT CERT BLOB SIG      head and half the body, prints "holding", and waits
                                                     for a line on stdin before closing
"""
import socket
import ssl
import sys


def connect(addr, port, cert):
    ctx = ssl.create_default_context(cafile=cert)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    raw = socket.create_connection((addr, int(port)), timeout=10)
    return ctx.wrap_socket(raw, server_hostname=addr)


def head(length, sig):
    return ("PUT /blob HTTP/1.1\r\nHost: unihost\r\nContent-Length: %d\r\nBlob-Signature: %s\r\n\r\n"
            % (length, sig)).encode()


def main():
    mode, addr, port, cert = sys.argv[1:5]
    if mode == "head":
        length, sig = int(sys.argv[5]), sys.argv[6]
        s = connect(addr, port, cert)
        s.sendall(head(length, sig))
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        print(answer.split(b"\r\n")[0].decode(errors="replace"))
        return
    blob = open(sys.argv[5], "rb").read()
    sig = sys.argv[6]
    s = connect(addr, port, cert)
    s.sendall(head(len(blob), sig) + blob[: len(blob) // 2])
    if mode == "hold":
        print("holding", flush=True)
        sys.stdin.readline()
    # Cut off the way an upload that stops half-way is: a FIN after every
    # byte sent. A plain close() with the server's TLS 1.3 session tickets
    # still unread would make the kernel send a reset instead, and drop
    # what it had not yet sent (perhaps the head itself).
    s.shutdown(socket.SHUT_WR)
    s.settimeout(10)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()
    print("closed")


main()
