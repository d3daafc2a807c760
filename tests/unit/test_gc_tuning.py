"""Start-up objects are frozen out of the collector's sight while the app runs, and thawed
when it stops, so apps started and stopped in one process leak nothing."""

from __future__ import annotations

import gc

from tests.support.gateway import answer, gateway_with


def test_the_app_freezes_its_start_up_objects_and_thaws_them_on_shutdown() -> None:
    before = gc.get_freeze_count()
    with gateway_with(answer(200, {"status": "ok"})) as gateway:
        assert gateway.client.get("/healthz").status_code == 200
        running = gc.get_freeze_count()
    assert running > before + 10_000  # modules, the schema, the app: not a handful of objects
    assert gc.get_freeze_count() == 0
