"""While the app runs, start-up objects are frozen out of the collector's sight and the young
generation is sized for a read page; when it stops both are put back, so apps started and
stopped in one process leak nothing and leave the collector as they found it."""

from __future__ import annotations

import gc

from gateway.fastpath.gc_tuning import YOUNG_THRESHOLD
from tests.support.gateway import answer, gateway_with


def test_the_app_freezes_its_start_up_objects_and_thaws_them_on_shutdown() -> None:
    before = gc.get_freeze_count()
    with gateway_with(answer(200, {"status": "ok"})) as gateway:
        assert gateway.client.get("/healthz").status_code == 200
        running = gc.get_freeze_count()
    assert running > before + 10_000  # modules, the schema, the app: not a handful of objects
    assert gc.get_freeze_count() == 0


def test_the_app_raises_the_young_threshold_while_it_runs_and_restores_it() -> None:
    before = gc.get_threshold()
    with gateway_with(answer(200, {"status": "ok"})) as gateway:
        assert gateway.client.get("/healthz").status_code == 200
        running = gc.get_threshold()
    assert running == (YOUNG_THRESHOLD, *before[1:])
    assert running[0] > before[0]
    assert gc.get_threshold() == before


def test_without_the_speed_up_layer_the_collector_is_left_alone() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    with gateway_with(answer(200, {"status": "ok"}), fast_path=False) as gateway:
        assert gateway.client.get("/healthz").status_code == 200
        running = gc.get_threshold(), gc.get_freeze_count()
    assert running == before
