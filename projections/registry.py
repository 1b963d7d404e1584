"""Every projection docsplane maintains, by name."""

from projections.builds import BuildsProjection
from projections.environment_variables import EnvironmentVariablesProjection
from projections.notifications import NotificationsProjection
from projections.projects import ProjectsProjection
from projections.redirects import RedirectsProjection
from projections.users import UsersProjection
from projections.versions import VersionsProjection

PROJECTIONS = {p.name: p for p in (
    ProjectsProjection, VersionsProjection, BuildsProjection, UsersProjection,
    RedirectsProjection, EnvironmentVariablesProjection, NotificationsProjection,
)}
