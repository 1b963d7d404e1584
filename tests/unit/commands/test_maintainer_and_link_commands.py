"""Maintainers (a project never loses its last), subprojects and translations (both sides saved together)."""

import pytest

from write_side import names, settings


@pytest.fixture
def bob(commands) -> str:
    commands.users.create_user("bob")
    return "bob"


def test_a_maintainer_is_an_existing_user(commands, log, project, refused, bob):
    log.new()
    with refused(log) as error:
        commands.maintainers.add_maintainer("alice", project, "nobody")
    assert error.value.field == "username"

    commands.maintainers.add_maintainer("alice", project, bob)
    assert names(log.new()) == ["Project.MaintainerAdded"]
    with refused(log) as error:
        commands.maintainers.add_maintainer("alice", project, bob)
    assert error.value.field == "username"


def test_the_last_maintainer_is_never_removed(commands, log, project, refused, bob):
    log.new()
    with refused(log) as error:
        commands.maintainers.remove_maintainer("alice", project, "alice")
    assert error.value.field == "username"

    commands.maintainers.add_maintainer("alice", project, bob)
    commands.maintainers.remove_maintainer("bob", project, "alice")
    assert names(log.new()) == ["Project.MaintainerAdded", "Project.MaintainerRemoved"]
    with refused(log):
        commands.maintainers.add_maintainer("alice", project, "alice")  # no longer a maintainer


def test_a_subproject_link_is_recorded_on_both_projects(commands, log, project, refused):
    child = commands.projects.import_project("alice", settings("Toys")).value
    log.new()

    assert commands.subprojects.add_subproject("alice", project, child, alias="toys-docs").value == "toys-docs"
    added, linked = log.new()
    assert names([added, linked]) == ["Project.SubprojectAdded", "Project.LinkedAsSubproject"]
    assert (added.alias, added.child_slug, linked.parent_slug) == ("toys-docs", child, project)

    commands.subprojects.remove_subproject("alice", project, "toys-docs")
    assert names(log.new()) == ["Project.SubprojectRemoved", "Project.UnlinkedAsSubproject"]


def test_subproject_rules(commands, log, project, refused):
    child = commands.projects.import_project("alice", settings("Toys")).value
    grandchild = commands.projects.import_project("alice", settings("Balls")).value
    strangers = commands.projects.import_project("eve", settings("Eves")).value
    commands.subprojects.add_subproject("alice", project, child)
    log.new()

    for parent, other, field in [
        (project, project, "child"),     # itself
        (project, "missing", "child"),   # no such project
        (project, strangers, "child"),   # another's project
        (child, grandchild, "child"),    # a subproject gets no subprojects
        (grandchild, project, "child"),  # a parent does not become a subproject
        (grandchild, child, "child"),    # a child has one parent
    ]:
        with refused(log) as error:
            commands.subprojects.add_subproject("alice", parent, other)
        assert error.value.field == field, (parent, other)
    with refused(log) as error:
        commands.subprojects.add_subproject("alice", project, grandchild, alias=child)
    assert error.value.field == "alias"


def test_a_translation_is_linked_to_its_original_in_one_save(commands, log, project, refused):
    german = commands.projects.import_project("alice", settings("Haustiere", language="de")).value
    log.new()

    commands.projects.update_project("alice", german, {"translation_of": project})
    linked, added = log.new()
    assert names([linked, added]) == ["Project.LinkedAsTranslation", "Project.TranslationAdded"]
    assert (linked.original_slug, added.slug, added.language) == (project, german, "de")
    # a second translation in German, or the original's own language, is refused
    twin = commands.projects.import_project("alice", settings("Tiere", language="de")).value
    english = commands.projects.import_project("alice", settings("Animals")).value
    log.new()
    for slug in (twin, english):
        with refused(log) as error:
            commands.projects.update_project("alice", slug, {"translation_of": project})
        assert error.value.field == "translation_of"
    with refused(log) as error:
        commands.projects.update_project("alice", german, {"language": "en"})
    assert error.value.field == "language"


def test_deleting_a_project_unlinks_the_projects_linked_to_it(commands, log, project):
    child = commands.projects.import_project("alice", settings("Toys")).value
    commands.subprojects.add_subproject("alice", project, child)
    log.new()

    commands.projects.delete_project("alice", project)
    assert sorted(names(log.new())) == [  # one atomic save
        "Project.ProjectDeleted", "Project.SubprojectRemoved", "Project.UnlinkedAsSubproject", "SlugIndex.SlugReleased",
    ]
