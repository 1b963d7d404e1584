"""Every projection docsplane maintains, by name."""

from projections.audit.projection import AuditProjection
from projections.build_leases.projection import BuildLeasesProjection
from projections.builds.projection import BuildsProjection
from projections.environment_variables.projection import EnvironmentVariablesProjection
from projections.notifications.projection import NotificationsProjection
from projections.projects.projection import ProjectsProjection
from projections.redirects.projection import RedirectsProjection
from projections.users.projection import UsersProjection
from projections.versions.projection import VersionsProjection
from projections.webhook_deliveries.projection import WebhookDeliveriesProjection

PROJECTIONS = {p.name: p for p in (
    ProjectsProjection, VersionsProjection, BuildsProjection, BuildLeasesProjection, UsersProjection,
    RedirectsProjection, EnvironmentVariablesProjection, NotificationsProjection, WebhookDeliveriesProjection,
    AuditProjection,
)}
