"""A TCP proxy on 127.0.0.1 that breaks HTTP exchanges on purpose, reproducibly.

One request per connection (the proxy asks the server to close after answering), so
each exchange gets its own fault, drawn from a seeded generator:
  reset        the connection is cut before the request reaches the server;
  stall        nothing is forwarded and nothing answered until the client gives up;
  drop_reply   the server gets the request and answers (it committed), the client gets
               nothing: the classic lost reply;
  truncate     half the reply, then the connection is cut;
  latency      a delay, then a normal exchange;
  ok           a normal exchange.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter

FAULTS = ("reset", "stall", "drop_reply", "truncate", "latency")


class FaultProxy:
    def __init__(self, target_port: int, fault_rate: float, seed: int,
                 stall_seconds: float = 3.0) -> None:
        self.target_port, self.fault_rate = target_port, fault_rate
        self.rng = random.Random(seed)
        self.stall_seconds = stall_seconds
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self.listener.close()

    def _draw(self) -> str:
        with self._lock:
            fault = (self.rng.choice(FAULTS) if self.rng.random() < self.fault_rate
                     else "ok")
            self.counts[fault] += 1
            return fault

    def _serve(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client, self._draw()),
                             daemon=True).start()

    @staticmethod
    def _read_request(sock: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
        return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        # SO_LINGER 0: close() sends RST, as a dying NAT box or proxy does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def _handle(self, client: socket.socket, fault: str) -> None:
        try:
            request = self._read_request(client)
            if fault == "reset" or not request:
                self._reset(client)
                return
            if fault == "stall":
                time.sleep(self.stall_seconds)
                client.close()
                return
            if fault == "latency":
                time.sleep(self.rng.uniform(0.05, 0.2))
            with socket.create_connection(("127.0.0.1", self.target_port), timeout=30) as up:
                up.sendall(request)
                reply = b""
                while chunk := up.recv(65536):
                    reply += chunk
            if fault == "drop_reply":
                self._reset(client)
                return
            if fault == "truncate":
                client.sendall(reply[: max(1, len(reply) // 2)])
                self._reset(client)
                return
            client.sendall(reply)
            client.close()
        except OSError:
            client.close()
