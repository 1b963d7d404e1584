"""Deterministic aggregate ids, so the write side finds aggregates by their natural keys."""

from uuid import UUID, uuid5

NAMESPACE = UUID("5b0f3c2e-5d4e-4c3e-9d8a-6f2b1d7c9e10")


def slug_index_id(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"slug:{slug}")


def version_id(project_id: UUID, slug: str) -> UUID:
    return uuid5(NAMESPACE, f"version:{project_id}:{slug}")


def build_id(number: int) -> UUID:
    return uuid5(NAMESPACE, f"build:{number}")


def user_id(username: str) -> UUID:
    return uuid5(NAMESPACE, f"user:{username}")


def sequence_id(name: str) -> UUID:
    return uuid5(NAMESPACE, f"sequence:{name}")


def redirect_id(project_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE, f"redirect:{project_id}:{number}")


def environment_variable_id(project_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE, f"environment_variable:{project_id}:{number}")


def environment_variable_names_id(project_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"environment_variable_names:{project_id}")


def webhook_id(project_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE, f"webhook:{project_id}:{number}")


def email_hook_id(project_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE, f"emailhook:{project_id}:{number}")


def notification_target_claim_id(project_id: UUID, kind: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"notification-target:{project_id}:{kind}:{key}")


def webhook_delivery_id(build_aggregate_id: UUID, build_version: int, webhook_aggregate_id: UUID) -> UUID:
    """One delivery per (build event, webhook): a worker re-reading the event finds the delivery it started."""
    return uuid5(NAMESPACE, f"webhook-delivery:{build_aggregate_id}:{build_version}:{webhook_aggregate_id}")


def idempotent_request_id(username: str, idempotency_key: str) -> UUID:
    """Keys are scoped per user: two users may send the same key."""
    return uuid5(NAMESPACE, f"idempotent-request:{username}:{idempotency_key}")


def secrets_key_id() -> UUID:
    return uuid5(NAMESPACE, "secrets_key")


def version_index_id(project_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"version-index:{project_id}")


def redirect_type_claim_id(project_id: UUID, type: str) -> UUID:
    return uuid5(NAMESPACE, f"redirect-type:{project_id}:{type}")
