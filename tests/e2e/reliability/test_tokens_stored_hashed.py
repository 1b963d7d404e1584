"""API tokens are stored only as their SHA-256 (commands/users.py `hash_token`): after tokens are issued
every way (`users create`, POST /api/v3/tokens/, `docsplane users token`), revoked and snapshotted, no raw
token is in any row of the event store (raw bytes, and every event and snapshot decoded through the
application's mapper) nor of the read store. Their hashes are, as authentication needs them."""

from __future__ import annotations

import os
import subprocess

from e2e_support import assert_json, project_body
from stored_everything import decoded_events, event_store_rows, read_model_rows
from e2e_support import docsplane_command

from commands.users import hash_token
from domain.ids import user_id


def test_tokens_are_stored_only_hashed(backend, start_live_server, reliability):
    live = start_live_server(backend)
    alice = live.token("alice")  # users create
    tokens = [alice, live.token("bob")]
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Alpha")), 201)
    for body in ({"name": "ci"}, {"access": "read"}, {"projects": ["alpha"]}):
        tokens.append(assert_json(live.post("/api/v3/tokens/", alice, json=body), 201)["token"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(live.docsplane.settings.as_environ())
    for command in (["users", "create", "carol"], ["users", "token", "alice", "--project", "alpha", "--read-only"]):
        done = subprocess.run([*docsplane_command(), *command], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        tokens.append(done.stdout.split()[-1])
    revoked = assert_json(live.post("/api/v3/tokens/", alice, json={"name": "gone"}), 201)
    assert live.request("DELETE", f"/api/v3/tokens/{revoked['id']}/", alice).status_code == 204
    tokens.append(revoked["token"])
    live.docsplane.app.take_snapshot(user_id("alice"))  # a snapshot holds the user's state too
    live.docsplane.catch_up()
    assert len(set(tokens)) == len(tokens) == 8 and all(len(t) == 40 for t in tokens)

    raw = event_store_rows(live.docsplane)
    decoded = decoded_events(live.docsplane)
    rows = read_model_rows(live.docsplane)
    assert any("snapshot" in what for what, _ in decoded)
    found = [f"{where}: {token[-4:]}" for token in tokens for where, text in [*decoded, *rows] if token in text]
    found += [f"{table} (raw): {token[-4:]}" for token in tokens for table, data in raw if token.encode() in data]
    assert not found, found
    hashes = {hash_token(t) for t in tokens}  # what is stored instead, so the search above could find it
    assert all(any(h in text for _, text in decoded) for h in hashes)
    token_rows = [text for table, text in rows if table == "tokens"]
    assert sum(h in text for h in hashes for text in token_rows) == len(tokens) - 1  # the revoked one's row is gone
    reliability.record("Tokens stored only hashed: raw tokens in stored events, snapshots, read models",
                       tokens_issued=len(tokens), rows_searched=len(raw) + len(decoded) + len(rows), found=len(found))
