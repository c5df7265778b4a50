#!/usr/bin/env python3
"""A raw HTTP/1.1 client for the integration tests: sends the request bytes
read from standard input in ONE write (so pipelined requests arrive
together), reads until the server closes or TIMEOUT seconds pass, then
prints one line per response parsed from the byte stream:

    STATUS <TAB> BODY-LENGTH <TAB> ETAG-or-"-" <TAB> CLOSED-or-"open"

and, last, "closed" if the server closed the connection, "timeout" if not.
Responses to HEAD requests are not parsed specially: use GET here.
Usage: rawhttp.py HOST PORT [TIMEOUT]     (only the standard library)
"""
import socket
import sys


def parse(stream):
    out = []
    while stream:
        end = stream.find(b"\r\n\r\n")
        if end < 0:
            out.append(("incomplete", len(stream), "-"))
            break
        head = stream[:end].decode("latin-1").split("\r\n")
        status = head[0].split(" ")[1] if head[0].startswith("HTTP/1.1 ") else "bad:" + head[0][:20]
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length", "0"))
        out.append((status, length, fields.get("etag", "-")))
        stream = stream[end + 4 + length:]
    return out


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    request = sys.stdin.buffer.read()
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(request)
    data = b""
    state = "closed"
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        state = "timeout"
    except ConnectionResetError:
        state = "reset"
    s.close()
    for status, length, etag in parse(data):
        print(f"{status}\t{length}\t{etag}")
    print(state)


if __name__ == "__main__":
    main()
