"""What setting a project's `translation_of` (or a translation's language) does to the originals
involved: they are saved with the project, so their translations' languages stay distinct."""

from commands.handling.loading import load_project
from domain.errors import TranslationTargetMissing, UnknownResource
from domain.project import Project

KEEP = object()  # the PATCH did not name `translation_of`


def leave_original(app, actor: str, project: Project, target) -> list[Project]:
    """Before the update: a translation moving to another original, or to none, leaves its own."""
    current = project.translation_of
    if target is KEEP or current is None or target == current["slug"]:
        return []
    original = app.repository.get(current["id"])
    original.remove_translation(project, actor)
    return [original]


def join_original(app, actor: str, project: Project, target, language_changed: bool) -> list[Project]:
    """After the update (so the project's new language counts): join the named original, or tell
    the current one that its translation changed language."""
    if target is not KEEP and target is not None and project.translation_of is None:
        original = _load_original(app, actor, target)
        original.add_translation(project, actor)
        return [original]
    if language_changed and project.translation_of is not None:
        original = app.repository.get(project.translation_of["id"])
        original.follow_translation_language(project, actor)
        return [original]
    return []


def _load_original(app, actor: str, slug: str) -> Project:
    try:
        original = load_project(app, slug)
    except UnknownResource:
        raise TranslationTargetMissing("Project", "translation_of", f"there is no project '{slug}'") from None
    original.ensure_linkable_by(actor, "Project", "translation_of")
    return original
