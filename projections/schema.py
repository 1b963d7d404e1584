"""Read-model tables: one row per thing a GET returns, an index for every filter.

The spine's tables are listed here; later projections declare theirs in their own `ddl`."""

TABLES = [
    """CREATE TABLE IF NOT EXISTS projection_positions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        updated TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS projects (
        aggregate_id TEXT PRIMARY KEY,
        id BIGINT NOT NULL,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        programming_language TEXT NOT NULL,
        privacy_level TEXT NOT NULL,
        repository_url TEXT NOT NULL,
        repository_type TEXT NOT NULL,
        homepage TEXT,
        default_version TEXT NOT NULL,
        default_branch TEXT,
        single_version BOOLEAN NOT NULL,
        tags TEXT NOT NULL,
        users TEXT NOT NULL,
        subproject_of TEXT,
        translation_of TEXT,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS projects_language ON projects (language)",
    "CREATE INDEX IF NOT EXISTS projects_programming_language ON projects (programming_language)",
    "CREATE INDEX IF NOT EXISTS projects_privacy_level ON projects (privacy_level)",
    """CREATE TABLE IF NOT EXISTS project_maintainers (
        username TEXT NOT NULL,
        project_id TEXT NOT NULL,
        PRIMARY KEY (username, project_id)
    )""",
    "CREATE INDEX IF NOT EXISTS project_maintainers_project ON project_maintainers (project_id)",
    """CREATE TABLE IF NOT EXISTS versions (
        aggregate_id TEXT PRIMARY KEY,
        id BIGINT NOT NULL,
        project_id TEXT NOT NULL,
        project_slug TEXT NOT NULL,
        slug TEXT NOT NULL,
        verbose_name TEXT NOT NULL,
        identifier TEXT NOT NULL,
        type TEXT NOT NULL,
        active BOOLEAN NOT NULL,
        built BOOLEAN NOT NULL,
        hidden BOOLEAN NOT NULL,
        privacy_level TEXT NOT NULL,
        last_build_id BIGINT,
        created TEXT NOT NULL,
        modified TEXT NOT NULL,
        UNIQUE (project_slug, slug)
    )""",
    "CREATE INDEX IF NOT EXISTS versions_active ON versions (project_slug, active)",
    "CREATE INDEX IF NOT EXISTS versions_built ON versions (project_slug, built)",
    """CREATE TABLE IF NOT EXISTS version_builds (
        build_aggregate_id TEXT PRIMARY KEY,
        version_aggregate_id TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS builds (
        id BIGINT PRIMARY KEY,
        aggregate_id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        project_slug TEXT NOT NULL,
        version_slug TEXT NOT NULL,
        state TEXT NOT NULL,
        success BOOLEAN,
        error TEXT,
        commit_hash TEXT,
        builder TEXT,
        created TEXT NOT NULL,
        finished TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS builds_project ON builds (project_slug, created)",
    "CREATE INDEX IF NOT EXISTS builds_version ON builds (project_slug, version_slug, created)",
    "CREATE INDEX IF NOT EXISTS builds_commit ON builds (project_slug, commit_hash)",
    "CREATE INDEX IF NOT EXISTS builds_state ON builds (project_slug, state)",
    """CREATE TABLE IF NOT EXISTS users (
        aggregate_id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS tokens (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
]


def create_tables(store) -> None:
    from projections.registry import PROJECTIONS  # the registry imports projections, which import nothing of this

    statements = TABLES + [statement for projection in PROJECTIONS.values() for statement in projection.ddl]
    with store.transaction() as tx:
        if store.dialect == "postgres":
            tx.execute("SELECT pg_advisory_xact_lock(4242)")  # concurrent starters must not race on DDL
        for statement in statements:
            tx.execute(statement)
