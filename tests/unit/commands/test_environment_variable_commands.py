"""Environment variables: values recorded only encrypted, names unique per project, decrypted for builds."""

from write_side import names

SECRET = "s3cr3t-value-never-stored-in-clear"


def test_a_value_is_recorded_encrypted_and_never_in_clear(commands, log, project, box):
    commands.environment_variables.create_environment_variable("alice", project, "API_KEY", SECRET)

    events = log.new()
    assert names(events) == [  # the name is claimed in the same save
        "EnvironmentVariableNames.EnvironmentVariableNamesStarted", "EnvironmentVariableNames.EnvironmentVariableNameClaimed",
        "EnvironmentVariable.EnvironmentVariableCreated",
    ]
    created = events[-1]
    assert created.value_ciphertext != SECRET and box.decrypt(created.value_ciphertext) == SECRET
    assert not any(SECRET.encode() in state for state in log.stored_states())


def test_builds_get_the_values_decrypted_and_external_builds_only_the_public_ones(commands, project):
    commands.environment_variables.create_environment_variable("alice", project, "API_KEY", SECRET)
    commands.environment_variables.create_environment_variable("alice", project, "MODE", "docs", public=True)

    assert commands.environment_variables.values_for_build(project) == {"API_KEY": SECRET, "MODE": "docs"}
    assert commands.environment_variables.values_for_build(project, external=True) == {"MODE": "docs"}


def test_a_name_is_taken_until_its_variable_is_deleted(commands, log, project, refused):
    number = commands.environment_variables.create_environment_variable("alice", project, "API_KEY", "one").value
    log.new()
    with refused(log) as error:
        commands.environment_variables.create_environment_variable("alice", project, "API_KEY", "two")
    assert error.value.field == "name"

    commands.environment_variables.delete_environment_variable("alice", project, number)
    assert "EnvironmentVariable.EnvironmentVariableDeleted" in names(log.new())
    commands.environment_variables.create_environment_variable("alice", project, "API_KEY", "two")
    assert commands.environment_variables.values_for_build(project) == {"API_KEY": "two"}


def test_a_name_that_is_no_shell_name_is_refused(commands, log, project, refused):
    with refused(log) as error:
        commands.environment_variables.create_environment_variable("alice", project, "NOT A NAME", "x")
    assert error.value.field == "name"


def test_only_maintainers_write_variables(commands, log, project, refused):
    with refused(log):
        commands.environment_variables.create_environment_variable("mallory", project, "API_KEY", SECRET)
