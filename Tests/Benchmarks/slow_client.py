"""A slow client of the control socket (issue 17): N connections that each send `{` and then a
space every half second, reconnecting as soon as the daemon cuts one off; at the end it prints how
many `busy` and `request_timeout` answers it saw.

    python3 slow_client.py SOCKET N SECONDS

Used by bench_hostile.py and by E2ESocketLimitsTests (run under other uids with setpriv).
"""
import socket
import sys
import time

path, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
seen = {"busy": 0, "request_timeout": 0}


def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.setblocking(False)
    s.send(b"{")
    return s


conns = [connect() for _ in range(count)]
end = time.time() + seconds
while time.time() < end:
    time.sleep(0.5)
    for i, s in enumerate(conns):
        try:
            data = s.recv(4096)  # an answer (busy, request_timeout) or EOF: it was cut off
        except BlockingIOError:
            try:
                s.send(b" ")
                continue
            except OSError:
                data = b""
        except OSError:
            data = b""
        for code in seen:
            if b'"code":"%s"' % code.encode() in data:
                seen[code] += 1
        s.close()
        try:
            conns[i] = connect()
        except OSError:
            pass
print(" ".join("%s=%d" % kv for kv in seen.items()) + " ", flush=True)
