"""Commands on environment variables: create and delete (maintainers only), and the read path of
the build worker, the one place where values are decrypted."""

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_live, load_project
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from commands.handling.secret_box import SecretBox
from domain.environment_variable import EnvironmentVariable, EnvironmentVariableNames, validate_name, validate_value
from domain.ids import environment_variable_id, environment_variable_names_id
from domain.project import Project


def load_environment_variable(app, project: Project, number: int) -> EnvironmentVariable:
    return load_live(app, environment_variable_id(project.id, number), f"environment variable {number} of project '{project.slug}'")


class EnvironmentVariableCommands:
    def __init__(self, app, ids, box: SecretBox):
        self.app = app
        self.ids = ids
        self.box = box

    def _names(self, project: Project, actor: str) -> EnvironmentVariableNames:
        names = get_or_none(self.app, environment_variable_names_id(project.id))
        return names if names is not None else EnvironmentVariableNames(project_id=project.id, actor=actor)

    @retry_on_conflict
    def create_environment_variable(self, actor: str, project_slug: str, name: str, value: str,
                                    public: bool = False) -> Written:
        """Record the variable with its value encrypted; the name is claimed in the same save, so
        of two concurrent creations of one name exactly one succeeds (the other: already_exists)."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        validate_name(name)
        validate_value(value)
        names = self._names(project, actor)
        names.require_free(name)  # before an id is reserved
        variable = EnvironmentVariable.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["environment_variable"].next(),
            name=name, value_ciphertext=self.box.encrypt(value), public=public, actor=actor,
        )
        names.claim(name, variable.number, actor)
        return Written(variable.number, self.app.save(names, variable))

    @retry_on_conflict
    def delete_environment_variable(self, actor: str, project_slug: str, number: int,
                                    expected_version: int | None = None) -> Written:
        """Delete the variable and free its name, atomically."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        variable = load_environment_variable(self.app, project, number)
        require_version(variable, expected_version)
        variable.delete(actor)
        names = self._names(project, actor)
        names.release(variable.name, actor)
        return Written(number, self.app.save(variable, names))

    def values_for_build(self, project_slug: str, external: bool = False) -> dict[str, str]:
        """The project's variables, decrypted, for a build's environment. Builds of external
        versions (pull requests run code of strangers) get only the variables marked public."""
        project = load_project(self.app, project_slug)
        names = get_or_none(self.app, environment_variable_names_id(project.id))
        values = {}
        for name, number in sorted(names.numbers.items()) if names else ():
            variable = load_environment_variable(self.app, project, number)
            if variable.public or not external:
                values[name] = self.box.decrypt(variable.value_ciphertext)
        return values
