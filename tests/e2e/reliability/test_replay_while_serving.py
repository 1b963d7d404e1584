"""`docsplane replay` while the API serves: GETs during the replay, and across its swaps, always answer
200 with the whole read model (never an empty or half-built list), over real HTTP."""

import threading
import time

from e2e_support import assert_json

from projections.replay.rebuild import Replay

BUILDS = 12


def test_gets_during_a_replay_see_whole_read_models(live_server, alice, project):
    for _ in range(BUILDS):
        assert_json(live_server.post(f"/api/v3/projects/{project}/builds/", alice), 201)
    docsplane = live_server.docsplane
    replay = Replay(docsplane.app.recorder, docsplane.app.mapper, docsplane.store,
                    [p.projection for p in docsplane.projectors], batch_size=3)  # many small batches
    answers: list[tuple] = []
    replaying = threading.Event()
    done = threading.Event()

    def read_while_replaying():
        while not done.is_set():
            builds = live_server.get(f"/api/v3/projects/{project}/builds/?limit=1", alice)
            detail = live_server.get(f"/api/v3/projects/{project}/", alice)
            answers.append((replaying.is_set(), builds.status_code, builds.json().get("count"),
                            detail.status_code, tuple(sorted(detail.json().get("active_versions") or {}))))

    reader = threading.Thread(target=read_while_replaying)
    reader.start()
    try:
        replaying.set()
        applied = replay.run(progress=lambda position, head: time.sleep(0.02))  # slow enough to be read during
    finally:
        done.set()
        reader.join(30)
    during = [a for a in answers if a[0]]
    assert len(during) >= 5, "the readers did not overlap the replay"
    assert {a[1:] for a in answers} == {(200, BUILDS, 200, ("latest",))}, sorted(set(answers))[:5]
    assert applied["builds"] >= BUILDS
    assert docsplane.store.fetchall("SELECT name FROM replay_positions") == []  # every shadow was swapped in
