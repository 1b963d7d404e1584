"""The build sandbox's settings and the pure parts of the bubblewrap sandbox."""

from __future__ import annotations

import pytest

from docsplane.settings import Settings
from workers.sandbox.bubblewrap import _ancestors, _exports
from workers.sandbox.limits import Limits
from workers.sandbox.network import bwrap_options


def test_the_sandbox_is_bwrap_unless_none_is_chosen_explicitly():
    assert Settings.from_env({}).build_sandbox == "bwrap"
    assert Settings.from_env({"DOCSPLANE_BUILD_SANDBOX": " None "}).build_sandbox == "none"
    with pytest.raises(ValueError, match="DOCSPLANE_BUILD_SANDBOX: 'docker' is not one of bwrap, none"):
        Settings.from_env({"DOCSPLANE_BUILD_SANDBOX": "docker"})
    with pytest.raises(ValueError, match="DOCSPLANE_BUILD_UID: 0 is not an unprivileged uid"):
        Settings.from_env({"DOCSPLANE_BUILD_UID": "0"})


def test_the_limits_survive_a_round_trip_through_the_environment():
    env = {"DOCSPLANE_BUILD_SANDBOX": "none", "DOCSPLANE_BUILD_MEMORY_MAX": "1000", "DOCSPLANE_BUILD_PROCESSES_MAX": "7",
           "DOCSPLANE_BUILD_OPEN_FILES_MAX": "64", "DOCSPLANE_BUILD_DISK_MAX": "5000", "DOCSPLANE_BUILD_UID": "4242"}
    settings = Settings.from_env(env)
    again = Settings.from_env(settings.as_environ())

    assert (again.build_sandbox, again.build_uid) == ("none", 4242)
    assert Limits.from_settings(again).prlimit() == ["prlimit", "--as=1000", "--nproc=7", "--nofile=64", "--fsize=5000", "--"]


def test_the_environment_file_quotes_every_value_for_the_shell():
    assert _exports({"A": "it's $HOME `x`", "B": "", "é": "x", "A-B": "x"}) == "export A='it'\"'\"'s $HOME `x`'\nexport B=''\n"


def test_mount_points_get_their_parents_made_first_once_each():
    assert _ancestors(["/root/.pyenv/versions/3.11", "/root/.pyenv/other", "/etc/ssl", "/usr/lib/x"]) == [
        "/root", "/root/.pyenv", "/root/.pyenv/versions", "/etc"]
    assert _ancestors(["/tmp/pytest/repo", "/usr/x"]) == []  # /tmp is mounted whole ...
    assert _ancestors(["/tmp/pytest/repo"], below="/tmp") == ["/tmp/pytest"]  # ... and made after


def test_the_network_is_isolated_unless_host_or_none_is_chosen():
    assert Settings.from_env({}).build_network == "isolated"
    assert Settings.from_env({"DOCSPLANE_BUILD_NETWORK": "host"}).build_network == "host"
    assert Settings.from_env(Settings.from_env({"DOCSPLANE_BUILD_NETWORK": "none"}).as_environ()).build_network == "none"
    with pytest.raises(ValueError, match="DOCSPLANE_BUILD_NETWORK: 'bridge' is not one of isolated, host, none"):
        Settings.from_env({"DOCSPLANE_BUILD_NETWORK": "bridge"})


def test_each_network_mode_asks_bwrap_for_its_namespace():
    """A user-namespace sandbox unshares every namespace unless told to share the network."""
    assert bwrap_options("isolated", user_namespace=False) == ["--unshare-net"]
    assert bwrap_options("none", user_namespace=False) == ["--unshare-net"]
    assert bwrap_options("host", user_namespace=False) == []
    assert bwrap_options("isolated", user_namespace=True) == []
    assert bwrap_options("host", user_namespace=True) == ["--share-net"]
