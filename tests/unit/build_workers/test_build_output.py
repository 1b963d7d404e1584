"""A build command's recorded output: capped around a marker, secret values masked."""

from workers.builds.step import CappedOutput, mask


def recorded(chunks, limit=20, secrets=()) -> str:
    output = CappedOutput(limit, secrets)
    for chunk in chunks:
        output.feed(chunk)
    return output.text()


def test_output_within_the_limit_is_kept_whole():
    assert recorded([b"hello ", b"world"]) == "hello world"


def test_longer_output_keeps_its_first_and_last_halves():
    text = recorded([b"a" * 15, b"b" * 15, b"c" * 15], limit=20)
    assert text == "a" * 10 + ("\n\n[docsplane: 25 bytes of output omitted; a command's output is capped at 20 bytes]"
                               "\n\n") + "c" * 10


def test_secrets_are_masked_even_across_chunks():
    assert recorded([b"token=TOP", b"SECRET done"], secrets=["TOPSECRET"]) == "token=**** done"


def test_a_secret_straddling_a_cut_is_masked_not_half_shown():
    head_cut = recorded([b"a" * 8 + b"TOPSECRET" + b"z" * 40], limit=20, secrets=["TOPSECRET"])
    tail_cut = recorded([b"z" * 40 + b"TOPSECRET" + b"a" * 8], limit=20, secrets=["TOPSECRET"])
    for text in (head_cut, tail_cut):
        assert "TOP" not in text and "SECRET" not in text and "ET" not in text
    assert head_cut.startswith("a" * 8 + "****") and tail_cut.endswith("****" + "a" * 8)


def test_longer_secrets_are_masked_first_and_nul_bytes_replaced():
    assert mask("key=abcdef", ["abc", "abcdef"]) == "key=****"
    assert recorded([b"x\x00y"]) == "x\ufffdy"


def test_notes_follow_the_output_on_their_own_line():
    output = CappedOutput(100)
    output.feed(b"started")
    output.note("docsplane: killed")
    assert output.text() == "started\n[docsplane: killed]\n"
