#!/usr/bin/env python3
"""rawpeer: a peer made of hand-made Ethernet frames, for the hostile-client
tests (tests/integration/hostile_*.sh). Python's standard library only.

It opens an AF_PACKET socket on the kernel side of unihost's tap (inside the
test's namespace) and speaks Ethernet, ARP, IPv4 and a minimal TCP of its
own, from addresses the kernel does not own (192.0.2.50-99 for "clients",
random ones in 192.0.2.128/25 for spoofed floods). The kernel never sees
these connections as its own, so it never resets them; what the peer sends
is exactly what a scenario asks for: any advertised window (0 included),
1-byte segments, segments out of order, FIN/half-close, RST, no ACKs.

    peer = Peer("uhtap0")                 # socket on the tap, bounded by a deadline
    peer.own("192.0.2.50")                # answer unihost's ARP for it
    c = peer.connect("192.0.2.50", 53, window=0)
    c.send(data, seg=1)                   # one byte per segment
    peer.wait(lambda: c.acked_all(), 2)   # pump frames until true, or time out
    c.set_window(65535)                   # a window update
    c.rst()

Every wait is bounded in time and every loop in count: a scenario cannot
hang. Frames from unihost may be TSO super-frames (its tap has offload), up
to 64 KiB: they are read whole. Checksums of what we receive are not checked
(the kernel leaves them partial under offload); what we send is checksummed.
"""
import ipaddress
import random
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4
SO_SNDBUFFORCE = 32
SO_RCVBUFFORCE = 33

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MOD = 1 << 32


class Deadline(Exception):
    """The peer's overall time limit passed: the scenario must stop."""


def seq_lt(a, b):
    return ((a - b) % MOD) > (MOD >> 1)


def seq_le(a, b):
    return a == b or seq_lt(a, b)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac_of(ip):
    """Our MAC for one of our addresses: locally administered, 02:00 + the IPv4 address."""
    return b"\x02\x00" + socket.inet_aton(ip)


def mac_text(mac):
    return ":".join(f"{b:02x}" for b in mac)


class Conn:
    """One TCP connection of ours (the client side). Everything it sends is
    kept (out), so ranges can be sent in any order, in any segment size, and
    retransmitted. What it receives in order is appended to `data`, up to the
    advertised window; the application is taken to read at once, so the
    window stays what the scenario set (set_window)."""

    def __init__(self, peer, ip, port, dport, window):
        self.peer = peer
        self.ip = ip
        self.ipb = socket.inet_aton(ip)
        self.port = port
        self.dport = dport
        self.window = window
        self.auto_ack = True        # ACK every segment that carries data, FIN or SYN
        self.auto_close = True      # answer the server's FIN with ours (a client that closes too)
        self.iss = random.randrange(MOD)
        self.out = bytearray()      # our stream, from iss + 1
        self.fin_sent = False
        self.snd_una = (self.iss + 1) % MOD
        self.irs = None
        self.rcv_nxt = None
        self.data = bytearray()     # the server's stream, in order
        self.state = "SYN_SENT"     # SYN_SENT, ESTABLISHED, RESET (by the server), CLOSED (we reset)
        self.got_fin = False
        self.srv_wnd = None         # the server's last advertised window
        self.srv_mss = None
        self.probes = 0             # data segments that found our window closed
        self.last_rx = time.monotonic()
        self.last_progress = time.monotonic()   # our data acknowledged
        self.syn_sent_at = None
        self.syns = 0
        self.reset_at = None
        self.fin_at = None

    # ---- state -----------------------------------------------------------

    @property
    def established(self):
        return self.state == "ESTABLISHED"

    @property
    def gone(self):
        return self.state in ("RESET", "CLOSED")

    def snd_max(self):
        return (self.iss + 1 + len(self.out) + (1 if self.fin_sent else 0)) % MOD

    def unacked(self):
        """Bytes (and FIN) we sent that the server has not acknowledged."""
        return (self.snd_max() - self.snd_una) % MOD

    def acked_all(self):
        return self.unacked() == 0

    def acked_upto(self):
        """Offset in `out` up to which the server acknowledged."""
        return min(len(self.out), (self.snd_una - self.iss - 1) % MOD)

    # ---- sending -----------------------------------------------------------

    def _seg(self, seq, flags, payload=b"", options=b"", window=None):
        ack = self.rcv_nxt if self.rcv_nxt is not None else 0
        if self.rcv_nxt is not None:
            flags |= ACK
        w = self.window if window is None else window
        self.peer.tcp_out(self.ipb, self.port, self.dport, seq, ack, flags, min(max(w, 0), 0xFFFF),
                          payload, options)

    def syn(self):
        self.syn_sent_at = time.monotonic()
        self.syns += 1
        self._seg(self.iss, SYN, options=b"\x02\x04\x05\xb4")     # MSS 1460, nothing else

    def queue(self, data):
        """Appends to our stream without sending; returns its offset."""
        off = len(self.out)
        self.out += data
        return off

    def send_range(self, start, end, seg=1460, fin=False, psh=True):
        """Sends out[start:end] in segments of `seg` bytes; FIN on the last if asked."""
        off = start
        while off < end:
            n = min(seg, end - off)
            last = off + n >= end
            flags = ACK | (PSH if psh and last else 0)
            if fin and last and end == len(self.out):
                flags |= FIN
                self.fin_sent = True
            self._seg((self.iss + 1 + off) % MOD, flags, bytes(self.out[off:off + n]))
            off += n
        if fin and start >= end:
            self.fin()

    def send(self, data, seg=1460, fin=False):
        off = self.queue(data)
        self.send_range(off, off + len(data), seg, fin=fin)
        return off

    def fin(self):
        self.fin_sent = True
        self._seg((self.iss + 1 + len(self.out)) % MOD, FIN | ACK)

    def ack(self, window=None):
        """A bare ACK (a window update when the window changed)."""
        self._seg((self.iss + 1 + len(self.out)) % MOD, ACK, window=window)

    def set_window(self, window):
        self.window = window
        if self.rcv_nxt is not None:
            self.ack()

    def rst(self):
        """Resets the connection (seq = our next sequence number, acceptable to the server)."""
        if self.state in ("RESET", "CLOSED"):
            return
        seq = self.snd_max() if self.irs is not None else (self.iss + 1) % MOD
        self.peer.tcp_out(self.ipb, self.port, self.dport, seq, self.rcv_nxt or 0,
                          RST | (ACK if self.rcv_nxt is not None else 0), 0)
        self.state = "CLOSED"

    def retransmit(self, seg=1460, limit=1 << 20):
        """Sends again what the server has not acknowledged (and the FIN)."""
        start = self.acked_upto()
        end = min(len(self.out), start + limit)
        if start < end:
            self.send_range(start, end, seg, fin=self.fin_sent and end == len(self.out))
        elif self.fin_sent and not self.acked_all():
            self.fin()

    # ---- receiving ---------------------------------------------------------

    def on_segment(self, seq, ack, flags, win, payload, opts):
        now = time.monotonic()
        self.last_rx = now
        if flags & RST:
            if self.state != "CLOSED":
                self.state = "RESET"
                self.reset_at = now
            return
        if self.state in ("RESET", "CLOSED"):
            return
        if flags & SYN:
            if not flags & ACK or ack != (self.iss + 1) % MOD:
                return
            if self.state == "SYN_SENT":
                self.irs = seq
                self.rcv_nxt = (seq + 1) % MOD
                self.snd_una = ack
                self.srv_wnd = win
                self.srv_mss = mss_option(opts)
                self.state = "ESTABLISHED"
            self.ack()          # also answers a retransmitted SYN-ACK
            return
        if self.state == "SYN_SENT":
            return
        if flags & ACK:
            if seq_lt(self.snd_una, ack) and seq_le(ack, self.snd_max()):
                self.snd_una = ack
                self.last_progress = now
            self.srv_wnd = win
        need_ack = False
        if payload:
            need_ack = True
            off = (self.rcv_nxt - seq) % MOD
            if seq_le(seq, self.rcv_nxt) and off < len(payload):
                take = min(len(payload) - off, self.window)
                if take > 0:
                    self.data += payload[off:off + take]
                    self.rcv_nxt = (self.rcv_nxt + take) % MOD
                if take < len(payload) - off:
                    self.probes += 1
            elif seq_lt(self.rcv_nxt, seq):
                pass            # out of order: dropped, the ACK says what we miss
        if flags & FIN:
            need_ack = True
            if (seq + len(payload)) % MOD == self.rcv_nxt and not self.got_fin:
                self.rcv_nxt = (self.rcv_nxt + 1) % MOD
                self.got_fin = True
                self.fin_at = now
        if need_ack and self.auto_ack:
            self.ack()
        if self.got_fin and self.auto_close and not self.fin_sent:
            self.fin()


def mss_option(opts):
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if kind == 2 and opts[i + 1] == 4 and i + 4 <= len(opts):
            return struct.unpack("!H", opts[i + 2:i + 4])[0]
        i += opts[i + 1]
    return None


class Peer:
    """The AF_PACKET socket and everything on it: ARP answers for our
    addresses, TCP segments dispatched to our connections, SYN-ACKs to
    spoofed addresses counted. `limit` seconds after creation every wait
    raises Deadline."""

    def __init__(self, ifname, server="192.0.2.2", limit=120.0):
        self.ifname = ifname
        self.server = server
        self.serverb = socket.inet_aton(server)
        self.server_mac = None
        self.end = time.monotonic() + limit
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        for opt, size in ((SO_RCVBUFFORCE, 64 << 20), (SO_SNDBUFFORCE, 16 << 20)):
            try:
                s.setsockopt(socket.SOL_SOCKET, opt, size)
            except OSError:
                pass
        s.bind((ifname, 0))
        s.setblocking(False)
        self.sock = s
        self.owned = {}             # our address (4 bytes) -> our MAC
        self.arp_nets = []          # networks whose every address we answer ARP for
        self.conns = {}             # (our address, our port, server port) -> Conn
        self.arp_asked = {}         # our address (text) -> ARP requests unihost sent for it
        self.arp_replies = {}       # address (text) -> MAC, from ARP replies seen
        self.stray = 0              # TCP segments to our addresses of no connection of ours
        self.stray_synack = 0
        self.frames_in = 0
        self.frames_out = 0
        self.outgoing = None        # if set, called with each frame the kernel side sends on the tap
        self.send_errors = 0
        self.next_port = random.randrange(20000, 50000)
        self.ip_id = random.randrange(65536)

    def close(self):
        self.sock.close()

    # ---- addresses -------------------------------------------------------------

    def own(self, ip):
        self.owned[socket.inet_aton(ip)] = mac_of(ip)

    def answer_arp_for(self, net):
        self.arp_nets.append(ipaddress.IPv4Network(net))

    def is_ours(self, ipb):
        if ipb in self.owned:
            return True
        if self.arp_nets:
            a = ipaddress.IPv4Address(ipb)
            return any(a in n for n in self.arp_nets)
        return False

    def port(self):
        self.next_port += 1
        if self.next_port > 60999:
            self.next_port = 20000
        return self.next_port

    # ---- frames out --------------------------------------------------------------

    def _send(self, frame):
        try:
            self.sock.send(frame)
            self.frames_out += 1
        except BlockingIOError:
            # The socket's send buffer is full: let the tap drain, once.
            select.select([], [self.sock], [], 0.05)
            try:
                self.sock.send(frame)
                self.frames_out += 1
            except OSError:
                self.send_errors += 1
        except OSError:
            self.send_errors += 1

    def arp_out(self, op, src_ip, target_ip, target_mac=b"\0" * 6, dst_mac=b"\xff" * 6):
        srcb = socket.inet_aton(src_ip) if isinstance(src_ip, str) else src_ip
        tgtb = socket.inet_aton(target_ip) if isinstance(target_ip, str) else target_ip
        smac = mac_of(socket.inet_ntoa(srcb))
        arp = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, smac, srcb, target_mac, tgtb)
        self._send(dst_mac + smac + struct.pack("!H", ETH_P_ARP) + arp)

    def tcp_out(self, srcb, sport, dport, seq, ack, flags, win, payload=b"", options=b""):
        """One TCP segment from our address srcb to the server."""
        if self.server_mac is None:
            self.resolve(socket.inet_ntoa(srcb))
        if len(options) % 4:
            options += b"\0" * (4 - len(options) % 4)
        off = (20 + len(options)) // 4
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq % MOD, ack % MOD, off << 4, flags, win, 0, 0)
        seg = tcp + options + payload
        pseudo = srcb + self.serverb + struct.pack("!BBH", 0, 6, len(seg))
        csum = checksum(pseudo + seg)
        seg = seg[:16] + struct.pack("!H", csum) + seg[18:]
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), self.ip_id, 0x4000, 64, 6, 0, srcb, self.serverb)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        smac = self.owned.get(srcb) or mac_of(socket.inet_ntoa(srcb))
        self._send((self.server_mac or b"\xff" * 6) + smac + struct.pack("!H", ETH_P_IP) + ip + seg)

    # ---- frames in -----------------------------------------------------------------

    def _frame(self, f):
        if len(f) < 14:
            return
        etype = struct.unpack("!H", f[12:14])[0]
        if etype == ETH_P_ARP and len(f) >= 42:
            _, ptype, _, _, op, sha, spa, tha, tpa = struct.unpack("!HHBBH6s4s6s4s", f[14:42])
            if ptype != ETH_P_IP:
                return
            if spa == self.serverb:
                self.server_mac = sha
            if op == 1 and spa == self.serverb and self.is_ours(tpa):
                ip = socket.inet_ntoa(tpa)
                self.arp_asked[ip] = self.arp_asked.get(ip, 0) + 1
                self.arp_out(2, tpa, spa, target_mac=sha, dst_mac=sha)
            elif op == 2:
                self.arp_replies[socket.inet_ntoa(spa)] = sha
            return
        if etype != ETH_P_IP or len(f) < 34:
            return
        ihl = (f[14] & 0x0F) * 4
        total = struct.unpack("!H", f[16:18])[0]
        proto = f[23]
        src, dst = f[26:30], f[30:34]
        if src == self.serverb and self.server_mac is None:
            self.server_mac = f[6:12]
        if proto != 6 or src != self.serverb or not self.is_ours(dst):
            return
        end = 14 + total if total else len(f)
        t = 14 + ihl
        if end > len(f) or t + 20 > end:
            end = len(f)
        sport, dport, seq, ack, offb, flags, win = struct.unpack("!HHIIBBH", f[t:t + 16])
        hl = (offb >> 4) * 4
        opts = f[t + 20:t + hl]
        payload = f[t + hl:end]
        c = self.conns.get((dst, dport, sport))
        if c is None:
            self.stray += 1
            if flags & SYN and flags & ACK:
                self.stray_synack += 1
            return
        c.on_segment(seq, ack, flags, win, payload, opts)

    def pump(self, timeout=0.0, max_frames=20000):
        """Reads and handles frames for up to `timeout` seconds (at least one
        look at the socket). Returns the number of frames handled."""
        now = time.monotonic()
        if now > self.end:
            raise Deadline(f"rawpeer: over its time limit")
        end = now + max(timeout, 0.0)
        n = 0
        while n < max_frames:
            try:
                f, addr = self.sock.recvfrom(70000)
            except BlockingIOError:
                left = end - time.monotonic()
                if left <= 0:
                    break
                select.select([self.sock], [], [], min(left, 0.05))
                continue
            if addr[2] == PACKET_OUTGOING:
                if self.outgoing is not None:
                    self.outgoing(f)
                continue
            self.frames_in += 1
            n += 1
            self._frame(f)
        return n

    def wait(self, cond, timeout, step=0.02):
        """Pumps until cond() is true or `timeout` seconds pass; returns cond()."""
        end = time.monotonic() + timeout
        while True:
            if cond():
                return True
            left = end - time.monotonic()
            if left <= 0:
                return bool(cond())
            self.pump(min(step, left))

    def idle(self, seconds):
        """Keeps handling frames (ARP, ACKs, window probes) for `seconds`."""
        self.wait(lambda: False, seconds)

    # ---- set-up ---------------------------------------------------------------------

    def resolve(self, src_ip, timeout=2.0):
        """Learns unihost's MAC (an ARP request from one of our addresses)."""
        srcb = socket.inet_aton(src_ip)
        if srcb not in self.owned:
            self.own(src_ip)
        end = time.monotonic() + timeout
        while self.server_mac is None and time.monotonic() < end:
            self.arp_out(1, src_ip, self.server)
            self.wait(lambda: self.server_mac is not None, 0.3)
        if self.server_mac is None:
            raise OSError(f"rawpeer: no ARP reply from {self.server} on {self.ifname}")

    def arp_probe(self, src_ip, timeout=1.0):
        """ARP request for the server from src_ip; seconds until the reply, or None."""
        self.arp_replies.pop(self.server, None)
        start = time.monotonic()
        self.arp_out(1, src_ip, self.server)
        if self.wait(lambda: self.server in self.arp_replies, timeout):
            return time.monotonic() - start
        return None

    def conn(self, ip, dport, window=65535, port=None):
        """A connection object, SYN not yet sent (see start())."""
        ipb = socket.inet_aton(ip)
        if ipb not in self.owned:
            self.own(ip)
        c = Conn(self, ip, port or self.port(), dport, window)
        self.conns[(ipb, c.port, dport)] = c
        return c

    def start(self, c):
        c.syn()
        return c

    def connect(self, ip, dport, window=65535, timeout=3.0):
        """Opens a connection (SYN retransmitted every 0.5 s); returns it
        established, or raises OSError."""
        c = self.start(self.conn(ip, dport, window))
        end = time.monotonic() + timeout
        while not c.established and time.monotonic() < end:
            if c.gone:
                raise OSError(f"rawpeer: {ip}:{c.port} -> {dport}: reset during the handshake")
            self.wait(lambda: c.established or c.gone, min(0.5, end - time.monotonic()))
            if not c.established and not c.gone and time.monotonic() < end:
                c.syn()
        if not c.established:
            raise OSError(f"rawpeer: {ip}:{c.port} -> {dport}: no SYN-ACK in {timeout:g} s")
        return c

    def connect_many(self, specs, timeout=5.0, resend=0.7):
        """Opens many connections at once: specs is a list of (ip, dport,
        window). Returns the list of Conns (check .established)."""
        conns = [self.start(self.conn(ip, dport, w)) for ip, dport, w in specs]
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pending = [c for c in conns if not c.established and not c.gone]
            if not pending:
                break
            self.pump(0.05)
            now = time.monotonic()
            for c in pending:
                if now - c.syn_sent_at > resend and now < end:
                    c.syn()
        return conns

    def spoofed_syn(self, ip, sport, dport, isn):
        """A SYN from an address we only answer ARP for: never completed."""
        self.tcp_out(socket.inet_aton(ip), sport, dport, isn, 0, SYN, 65535, options=b"\x02\x04\x05\xb4")

    def spoofed_rst(self, ip, sport, dport, isn):
        self.tcp_out(socket.inet_aton(ip), sport, dport, isn + 1, 0, RST, 0)

    def tcp6_out(self, src6, dst6, sport, dport, seq, ack, flags, win, options=b""):
        """One TCP segment over IPv6 from src6 (an address nobody answers
        neighbour discovery for) to the server's dst6; no connection kept."""
        srcb = socket.inet_pton(socket.AF_INET6, src6)
        dstb = socket.inet_pton(socket.AF_INET6, dst6)
        if len(options) % 4:
            options += b"\0" * (4 - len(options) % 4)
        off = (20 + len(options)) // 4
        seg = struct.pack("!HHIIBBHHH", sport, dport, seq % MOD, ack % MOD, off << 4, flags, win, 0, 0) + options
        pseudo = srcb + dstb + struct.pack("!IxxxB", len(seg), 6)
        seg = seg[:16] + struct.pack("!H", checksum(pseudo + seg)) + seg[18:]
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(seg), 6, 64, srcb, dstb)
        smac = mac_of("192.0.2.49")
        self._send((self.server_mac or b"\xff" * 6) + smac + struct.pack("!H", 0x86DD) + ip + seg)

    def reset_all(self):
        for c in list(self.conns.values()):
            c.rst()
        self.conns.clear()
