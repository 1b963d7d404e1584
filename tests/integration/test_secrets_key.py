"""The secrets key: DOCSPLANE_SECRETS_KEY, or one generated once into the data directory."""

import stat
import threading

import pytest
from cryptography.fernet import Fernet

from docsplane.secrets import KEY_FILE, secrets_key


def test_without_configuration_one_private_key_is_generated_once(tmp_path):
    key = secrets_key(None, tmp_path / "data")
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Fernet(key)  # a valid key
    assert secrets_key(None, tmp_path / "data") == key
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]  # no temporary file left behind


def test_processes_starting_together_agree_on_one_key(tmp_path):
    keys, barrier = [], threading.Barrier(12)

    def start():
        barrier.wait(timeout=30)
        keys.append(secrets_key(None, tmp_path))

    threads = [threading.Thread(target=start) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(keys) == 12 and len(set(keys)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE]


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path):
    configured = Fernet.generate_key().decode()
    assert secrets_key(f" {configured}\n", tmp_path) == configured.encode()
    assert list(tmp_path.iterdir()) == []


def test_a_bad_key_fails_at_start_without_showing_it(tmp_path):
    with pytest.raises(ValueError) as raised:
        secrets_key("not-a-fernet-key", tmp_path)
    assert "DOCSPLANE_SECRETS_KEY" in str(raised.value) and "not-a-fernet-key" not in str(raised.value)
    (tmp_path / KEY_FILE).write_text("garbage\n")
    with pytest.raises(ValueError, match=KEY_FILE):
        secrets_key(None, tmp_path)
