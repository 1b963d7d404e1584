"""Every projection docsplane maintains, by name."""

from projections.audit import AuditProjection
from projections.build_leases import BuildLeasesProjection
from projections.builds import BuildsProjection
from projections.environment_variables import EnvironmentVariablesProjection
from projections.notifications import NotificationsProjection
from projections.projects import ProjectsProjection
from projections.redirects import RedirectsProjection
from projections.users import UsersProjection
from projections.versions import VersionsProjection
from projections.webhook_deliveries import WebhookDeliveriesProjection

PROJECTIONS = {p.name: p for p in (
    ProjectsProjection, VersionsProjection, BuildsProjection, BuildLeasesProjection, UsersProjection,
    RedirectsProjection, EnvironmentVariablesProjection, NotificationsProjection, WebhookDeliveriesProjection,
    AuditProjection,
)}
