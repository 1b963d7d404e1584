"""Reading events and snapshots recorded by earlier releases of docsplane.

Stored events are never rewritten. When an event, or an aggregate's snapshotted state, gains a
field, its class gets a `class_version` and one `upcast_vN_vN+1` step per change: the eventsourcing
library applies the steps to older stored state before it makes the object, so the domain only
ever sees the current shape."""


def versioned(cls: type, *steps) -> type:
    """Declare `cls` at version len(steps) + 1, upcast from version 1 by `steps` in order.
    Each step takes the stored state (a dict) and changes it in place."""
    cls.class_version = len(steps) + 1
    for number, step in enumerate(steps, start=1):
        setattr(cls, f"upcast_v{number}_v{number + 1}", staticmethod(step))
    return cls
