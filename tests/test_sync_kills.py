"""The desk process is killed (SIGKILL) at random moments while it drains an offline
day through a faulty network, and started again: still nothing lost, nothing twice.

Seeded and small here; the long mode (≥ 500 applications, ≥ 20 kills) is
`bench/sync_kills.py`, with its figures in docs/benchmarks.md.
"""

from __future__ import annotations

from faultproxy import FaultProxy
from killrun import drain_with_kills, make_offline_day, verify


def test_an_offline_day_arrives_exactly_once_although_the_desk_is_killed_mid_sync(
    central, tmp_path
) -> None:
    central.dealer_token()
    desk = make_offline_day(tmp_path / "desk", central.url,
                            central.activation_code("DEMO001"), applications=60,
                            document_bytes=120_000, seed=5)
    proxy = FaultProxy(int(central.url.rsplit(":", 1)[1]), fault_rate=0.2, seed=5,
                       stall_seconds=1.0)
    try:
        report = drain_with_kills(desk, proxy.url, kills=5, seed=5,
                                  kill_window=(0.5, 1.2), drain_timeout=120)
    finally:
        proxy.close()
    assert report.kills == 5
    assert proxy.counts["drop_reply"] >= 1  # central committed, the desk never heard
    verify(desk, central.db)
