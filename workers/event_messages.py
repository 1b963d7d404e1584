"""A domain event as subscribers outside the system see it: a routing key and a JSON body, with
secrets removed. Used by the AMQP relay; any other outbound channel can reuse it.

Routing key `<aggregate>.<project-slug>.<EventName>`, e.g. `build.pip.BuildTriggered`: the aggregate
class name in lower case, the slug of the project the aggregate belongs to (`-` for none, e.g. users).
Body:
    {"id": <notification id: unique, ascending; de-duplicate on it>, "type": "BuildTriggered",
     "aggregate": "build", "aggregate_id": "<uuid>", "aggregate_version": 1, "project": "pip" | null,
     "timestamp": "<ISO 8601>", "actor": "alice" | null, "request_id": "...", "correlation_id": "...",
     "payload": {<the event's own fields>}}"""

from __future__ import annotations

import json
from collections import OrderedDict
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.events.fields import jsonable, own_fields
from domain.project import Project
from domain.events.secret_fields import is_secret
from domain.slug_index import SlugIndex



def routing_key(message: dict) -> str:
    return f"{message['aggregate']}.{message['project'] or '-'}.{message['type']}"


def without_secrets(value):
    """Secret fields (the domain decides which) never leave the system: dropped, at any depth."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if not is_secret(str(k))}
    if isinstance(value, (list, tuple)):
        return [without_secrets(v) for v in value]
    return value


def to_json(message: dict) -> bytes:
    return json.dumps(message, default=jsonable, separators=(",", ":")).encode()



class EventMessages:
    """Builds messages; remembers which project each aggregate belongs to, because only an
    aggregate's first event names it (an aggregate met first mid-history is loaded once)."""

    def __init__(self, app, cache_size: int = 100_000):
        self.repository = app.repository
        self.projects: OrderedDict[UUID, str | None] = OrderedDict()  # aggregate id -> project slug (LRU)
        self.cache_size = cache_size

    def message(self, notification_id: int, event) -> dict:
        qualname = type(event).__qualname__  # "Build.BuildTriggered"
        return {
            "id": notification_id,
            "type": qualname.rsplit(".", 1)[-1],
            "aggregate": qualname.split(".", 1)[0].lower(),
            "aggregate_id": str(event.originator_id),
            "aggregate_version": event.originator_version,
            "project": self.project_of(event),
            "timestamp": event.timestamp.isoformat(),
            "actor": getattr(event, "actor", None),
            "request_id": getattr(event, "request_id", None),  # null for events stored before ids existed
            "correlation_id": getattr(event, "correlation_id", None),
            "payload": without_secrets(own_fields(event)),
        }

    def project_of(self, event) -> str | None:
        aggregate_id = event.originator_id
        if aggregate_id in self.projects:
            self.projects.move_to_end(aggregate_id)
            return self.projects[aggregate_id]
        slug = _own_project(event)
        if slug is None:
            slug = self._load(aggregate_id, event.originator_version)
        self.projects[aggregate_id] = slug
        if len(self.projects) > self.cache_size:
            self.projects.popitem(last=False)
        return slug

    def _load(self, aggregate_id: UUID, version: int) -> str | None:
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
        slug = _own_project(aggregate)
        project_id = getattr(aggregate, "project_id", None)
        if slug is not None or project_id is None:
            return slug
        if project_id in self.projects:
            return self.projects[project_id]
        try:
            return self.repository.get(project_id).slug
        except AggregateNotFoundError:
            return None


def _own_project(obj) -> str | None:
    """The project slug an event or aggregate names itself, if any."""
    if getattr(obj, "project_slug", None):
        return obj.project_slug
    if isinstance(obj, (Project, Project.ProjectImported, SlugIndex, SlugIndex.SlugClaimed)):
        return obj.slug
    return None
