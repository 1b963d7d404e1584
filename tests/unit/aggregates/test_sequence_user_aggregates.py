"""IdSequence blocks, SlugIndex, and users' tokens (only the hash is recorded)."""

import hashlib

from domain.ids import sequence_id, slug_index_id, user_id
from domain.sequence import IdSequence
from domain.slug_index import SlugIndex
from domain.user import User

from commands.users import hash_token


def test_sequence_hands_out_consecutive_disjoint_blocks():
    sequence = IdSequence(name="build")
    assert sequence.id == sequence_id("build")
    first = sequence.reserve(10)
    second = sequence.reserve(5)
    third = sequence.reserve(1)
    assert list(first) == list(range(1, 11))
    assert list(second) == list(range(11, 16))
    assert list(third) == [16]
    assert sequence.next == 17
    events = sequence.collect_events()
    assert [type(e).__name__ for e in events] == ["SequenceStarted", "BlockReserved", "BlockReserved", "BlockReserved"]
    assert [(e.start, e.size) for e in events[1:]] == [(1, 10), (11, 5), (16, 1)]
    assert [e.originator_version for e in events] == [1, 2, 3, 4]


def test_sequences_are_named():
    assert IdSequence(name="build").id != IdSequence(name="project").id


def test_slug_index_id_is_the_slug():
    project_id = user_id("whatever")
    index = SlugIndex(slug="sample", project_id=project_id)
    [event] = index.collect_events()
    assert type(event).__name__ == "SlugClaimed"
    assert index.id == slug_index_id("sample") != slug_index_id("sample2")
    assert (event.slug, event.project_id) == ("sample", project_id)


def test_hash_token_is_sha256_hex():
    assert hash_token("secret-token") == hashlib.sha256(b"secret-token").hexdigest()
    assert hash_token("a") != hash_token("b")


def test_user_records_only_token_hashes():
    token = "0123456789abcdef0123456789abcdef01234567"
    user = User(username="alice", actor="system:cli")
    user.issue_token(token_hash=hash_token(token), number=1, hint=token[-4:], actor="system:cli")
    user.issue_token(token_hash=hash_token("another"), number=2, hint="ther", actor="alice")
    events = user.collect_events()
    assert [type(e).__name__ for e in events] == ["UserCreated", "TokenIssued", "TokenIssued"]
    assert all(e.timestamp is not None for e in events)
    assert [e.actor for e in events] == ["system:cli", "system:cli", "alice"]
    assert events[1].token_hash == hash_token(token)
    assert user.id == user_id("alice")
    assert user.token_numbers == [1, 2]
    for event in events:
        assert token not in repr(vars(event))
