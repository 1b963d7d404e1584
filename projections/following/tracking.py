"""Each projection's position in the notification log, stored beside its rows and updated in the
same transaction, so a crash never loses nor repeats an event."""

from projections.times import now_time

# On PostgreSQL every new position is announced on this channel as "<name> <position>", delivered
# when its transaction commits: a write waiting for read-your-writes in another process wakes at
# once (`Announcements`).
POSITIONS_CHANNEL = "docsplane_positions"


def lock_position(tx, name: str) -> int:
    """Read the position, holding the row's lock until the transaction ends (one writer at a time)."""
    tx.execute(
        "INSERT INTO projection_positions (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
        (name,),
    )
    suffix = " FOR UPDATE" if tx.dialect == "postgres" else ""
    return tx.execute(f"SELECT position FROM projection_positions WHERE name = ?{suffix}", (name,)).fetchone()["position"]


def lock_positions(tx, names) -> dict[str, int]:
    """`lock_position` of several projections at once, in name order (concurrent lockers never deadlock)."""
    names = sorted(names)
    marks = ", ".join("?" * len(names))
    suffix = " ORDER BY name FOR UPDATE" if tx.dialect == "postgres" else ""
    select = f"SELECT name, position FROM projection_positions WHERE name IN ({marks}){suffix}"
    found = {row["name"]: row["position"] for row in tx.execute(select, names).fetchall()}
    if len(found) < len(names):  # first run (or the read models were dropped): start the missing at 0
        for name in names:
            lock_position(tx, name)
        found = {row["name"]: row["position"] for row in tx.execute(select, names).fetchall()}
    return found


def set_position(tx, name: str, position: int) -> None:
    set_positions(tx, [name], position)


def set_positions(tx, names: list[str], position: int) -> None:
    """Every one of `names` to `position`: one UPDATE and one announcement ("<name> <position>" per
    line), not one of each per projection on every batch of a projector group."""
    marks = ", ".join("?" * len(names))
    sql = f"UPDATE projection_positions SET position = ?, updated = ? WHERE name IN ({marks})"
    params = (position, now_time(), *names)
    if tx.dialect == "postgres":  # the announcement rides the same round trip
        announcement = "\n".join(f"{name} {position}" for name in names)
        sql, params = f"{sql}; NOTIFY {POSITIONS_CHANNEL}, ?", (*params, announcement)
    tx.execute(sql, params)


def positions(store) -> dict[str, int]:
    return {row["name"]: row["position"] for row in store.fetchall("SELECT name, position FROM projection_positions")}

