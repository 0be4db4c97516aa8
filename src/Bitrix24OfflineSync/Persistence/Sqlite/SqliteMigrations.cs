namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>The embedded schema, one script per version; applied in order, never edited once released.</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        """
        CREATE TABLE portals (
            member_id          TEXT PRIMARY KEY,
            domain             TEXT NOT NULL,
            client_endpoint    TEXT NOT NULL,
            status             TEXT NOT NULL,
            access_token       BLOB NULL,
            refresh_token      BLOB NULL,
            access_expires_at  TEXT NULL,
            app_token_hash     BLOB NULL,
            scope              TEXT NOT NULL,
            signal_seq         INTEGER NOT NULL DEFAULT 0,
            consumed_seq       INTEGER NOT NULL DEFAULT 0,
            installed_at       TEXT NOT NULL,
            updated_at         TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE drain_journal (
            member_id        TEXT NOT NULL,
            process_id       TEXT NOT NULL,
            error_queue      INTEGER NOT NULL DEFAULT 0,
            done             INTEGER NOT NULL DEFAULT 0,
            attempts         INTEGER NOT NULL DEFAULT 0,
            last_error       TEXT NULL,
            next_attempt_at  TEXT NULL,
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL,
            PRIMARY KEY (member_id, process_id)
        );
        CREATE INDEX ix_drain_journal_pending ON drain_journal (member_id) WHERE done = 0;
        CREATE TABLE item_attempts (
            member_id    TEXT NOT NULL,
            message_id   TEXT NOT NULL,
            attempts     INTEGER NOT NULL,
            last_reason  TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        CREATE TABLE dead_letters (
            member_id    TEXT NOT NULL,
            message_id   TEXT NOT NULL,
            event_name   TEXT NOT NULL,
            entity       TEXT NOT NULL,
            entity_id    TEXT NOT NULL,
            reason       TEXT NOT NULL,
            attempts     INTEGER NOT NULL,
            created_at   TEXT NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        CREATE TABLE mirror (
            member_id    TEXT NOT NULL,
            entity       TEXT NOT NULL,
            entity_id    TEXT NOT NULL,
            state        TEXT NULL,
            deleted      INTEGER NOT NULL,
            modified_at  TEXT NULL,
            fetched_at   TEXT NOT NULL,
            synced_at    TEXT NOT NULL,
            events       TEXT NOT NULL,
            PRIMARY KEY (member_id, entity, entity_id)
        );
        CREATE TABLE portal_sync (
            member_id         TEXT PRIMARY KEY,
            offline_extended  INTEGER NULL,
            last_drain_at     TEXT NULL,
            last_backlog      INTEGER NOT NULL DEFAULT 0,
            synced_objects    INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE basic_inbox (
            member_id    TEXT NOT NULL,
            message_id   TEXT NOT NULL,
            event_id     INTEGER NOT NULL,
            event_name   TEXT NOT NULL,
            event_data   TEXT NULL,
            received_at  TEXT NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        """,
        """
        CREATE TABLE drain_leases (
            member_id   TEXT PRIMARY KEY,
            owner       TEXT NOT NULL,
            fence       INTEGER NOT NULL,
            expires_at  TEXT NOT NULL
        );
        """,
        """
        ALTER TABLE mirror ADD COLUMN origin TEXT NOT NULL DEFAULT 'event';
        ALTER TABLE mirror ADD COLUMN entity_num INTEGER NULL;
        UPDATE mirror SET entity_num = CAST(entity_id AS INTEGER) WHERE entity_id <> '' AND entity_id NOT GLOB '*[^0-9]*';
        CREATE INDEX ix_mirror_entity_num ON mirror (member_id, entity, entity_num);
        CREATE TABLE delivered_index (
            member_id    TEXT NOT NULL,
            entity       TEXT NOT NULL,
            entity_id    TEXT NOT NULL,
            entity_num   INTEGER NULL,
            modified_at  TEXT NULL,
            deleted      INTEGER NOT NULL,
            PRIMARY KEY (member_id, entity, entity_id)
        );
        CREATE INDEX ix_delivered_index_entity_num ON delivered_index (member_id, entity, entity_num);
        CREATE TABLE sync_passes (
            member_id     TEXT NOT NULL,
            entity        TEXT NOT NULL,
            kind          TEXT NOT NULL,
            cursor        INTEGER NOT NULL,
            max_id        INTEGER NULL,
            objects_read  INTEGER NOT NULL,
            upserted      INTEGER NOT NULL,
            deleted       INTEGER NOT NULL,
            started_at    TEXT NOT NULL,
            finished_at   TEXT NULL,
            PRIMARY KEY (member_id, entity, kind)
        );
        -- Portals installed before loads existed had their events bound then: they are loaded at their next turn.
        ALTER TABLE portal_sync ADD COLUMN registered_at TEXT NULL;
        INSERT INTO portal_sync (member_id, registered_at) SELECT member_id, installed_at FROM portals WHERE true
        ON CONFLICT (member_id) DO UPDATE SET registered_at = excluded.registered_at;
        """,
        // The smart-process types each portal has, as its last discovery found them.
        """
        CREATE TABLE smart_process_types (
            member_id       TEXT NOT NULL,
            entity_type_id  INTEGER NOT NULL,
            title           TEXT NOT NULL,
            seen_at         TEXT NOT NULL,
            gone_at         TEXT NULL,
            PRIMARY KEY (member_id, entity_type_id)
        );
        """,
        // The plan's last check and the journal's note of a reservation under way. Version 5 was first released
        // without them and later with them, so this brings either to the same schema: SQLite cannot add a column only
        // when it is missing, so portal_sync is rebuilt (a plan check kept by the later release is asked again once).
        """
        CREATE TABLE IF NOT EXISTS drain_reserving (
            member_id  TEXT PRIMARY KEY,
            since      TEXT NOT NULL
        );
        CREATE TABLE portal_sync_v6 (
            member_id         TEXT PRIMARY KEY,
            offline_extended  INTEGER NULL,
            last_drain_at     TEXT NULL,
            last_backlog      INTEGER NOT NULL DEFAULT 0,
            synced_objects    INTEGER NOT NULL DEFAULT 0,
            registered_at     TEXT NULL,
            plan_checked_at   TEXT NULL
        );
        INSERT INTO portal_sync_v6 (member_id, offline_extended, last_drain_at, last_backlog, synced_objects, registered_at)
        SELECT member_id, offline_extended, last_drain_at, last_backlog, synced_objects, registered_at FROM portal_sync;
        DROP TABLE portal_sync;
        ALTER TABLE portal_sync_v6 RENAME TO portal_sync;
        """,
        // A dead letter says why in the terms an operator acts on (what failed, the sink's status and the start of its
        // answer), keeps the event its object is resolved from again, and takes an operator's request to replay it.
        """
        ALTER TABLE dead_letters ADD COLUMN cause TEXT NOT NULL DEFAULT 'fetch_failed';
        ALTER TABLE dead_letters ADD COLUMN status TEXT NULL;
        ALTER TABLE dead_letters ADD COLUMN answer TEXT NULL;
        ALTER TABLE dead_letters ADD COLUMN event_data TEXT NULL;
        ALTER TABLE dead_letters ADD COLUMN replay_requested_at TEXT NULL;
        """,
        // A state holding a NUL character (\u0000, which PostgreSQL's jsonb refuses) keeps its exact text in state_exact,
        // and state has each NUL as U+FFFD for the views, as on PostgreSQL. The JSON text's escaped backslashes are set
        // aside first, so that an escaped backslash followed by "u0000" is not taken for a NUL. The views read by entity.
        """
        ALTER TABLE mirror ADD COLUMN state_exact TEXT NULL;
        UPDATE mirror SET state_exact = state,
            state = replace(replace(replace(state, '\\', char(1)), '\u0000', '\ufffd'), char(1), '\\')
        WHERE instr(replace(state, '\\', char(1)), '\u0000') > 0;
        CREATE INDEX ix_mirror_entity ON mirror (entity, member_id, entity_num);
        """,
        // Each portal's field lists and the labels of their list values, and how many portals have each variant of a field
        // (kept as the lists change, so that what the portals have together is read without going over every portal).
        """
        CREATE TABLE portal_fields (
            member_id    TEXT NOT NULL,
            entity       TEXT NOT NULL,
            code         TEXT NOT NULL,
            state_key    TEXT NOT NULL,
            name         TEXT NOT NULL,
            type         TEXT NOT NULL,
            title        TEXT NOT NULL,
            multiple     INTEGER NOT NULL,
            read_only    INTEGER NOT NULL,
            required     INTEGER NOT NULL,
            status_list  TEXT NULL,
            read_at      TEXT NOT NULL,
            PRIMARY KEY (member_id, entity, code)
        );
        CREATE TABLE field_variants (
            entity     TEXT NOT NULL,
            state_key  TEXT NOT NULL,
            name       TEXT NOT NULL,
            type       TEXT NOT NULL,
            multiple   INTEGER NOT NULL,
            title      TEXT NOT NULL,
            portals    INTEGER NOT NULL,
            PRIMARY KEY (entity, state_key, name, type, multiple, title)
        );
        CREATE TABLE portal_labels (
            member_id  TEXT NOT NULL,
            entity     TEXT NOT NULL,
            code       TEXT NOT NULL,
            value      TEXT NOT NULL,
            label      TEXT NOT NULL,
            sort       INTEGER NOT NULL,
            PRIMARY KEY (member_id, entity, code, value)
        );
        """,
        // The typed views of the mirror: the last build's views and digest, in one row that builders lock, and the column of
        // each field in them (what b24_fields and b24_labels name).
        """
        CREATE TABLE mirror_views (
            id        INTEGER PRIMARY KEY CHECK (id = 1),
            views     TEXT NOT NULL,
            digest    TEXT NOT NULL,
            built_at  TEXT NULL
        );
        INSERT INTO mirror_views (id, views, digest) VALUES (1, '', '');
        CREATE TABLE mirror_view_columns (
            view_name    TEXT NOT NULL,
            column_name  TEXT NOT NULL,
            entity       TEXT NOT NULL,
            state_key    TEXT NOT NULL,
            sql_type     TEXT NOT NULL,
            title        TEXT NOT NULL,
            PRIMARY KEY (view_name, column_name)
        );
        """,
        // The write API's queue (Writes/): one row per accepted write, applied in acceptance order (seq) per portal; the
        // mirror keeps the key of the write whose read-back a row is, and the HTTP forwarder's index a hash of the state it
        // delivered (a queue row of the service's own write then brings an equal state, which is not sent again).
        """
        CREATE TABLE writes (
            seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
            member_id             TEXT NOT NULL,
            write_key             TEXT NOT NULL,
            content_hash          TEXT NOT NULL,
            entity                TEXT NOT NULL,
            action                TEXT NOT NULL,
            object_id             TEXT NULL,
            fields                TEXT NULL,
            if_unmodified_since   TEXT NULL,
            status                TEXT NOT NULL,
            sent                  INTEGER NOT NULL DEFAULT 0,
            attempts              INTEGER NOT NULL DEFAULT 0,
            error_code            TEXT NULL,
            error_message         TEXT NULL,
            accepted_at           TEXT NOT NULL,
            applied_at            TEXT NULL,
            updated_at            TEXT NOT NULL,
            UNIQUE (member_id, write_key)
        );
        CREATE INDEX ix_writes_open ON writes (member_id, seq) WHERE status IN ('queued', 'applying');
        ALTER TABLE mirror ADD COLUMN write_key TEXT NULL;
        ALTER TABLE delivered_index ADD COLUMN state_hash TEXT NULL;
        """,
        // The scheduler's safety net: when each portal is next polled (a replica claims the due ones and moves them on, so
        // replicas share the sweep); and a token refresh claimed in a short transaction, the OAuth call made outside it.
        """
        ALTER TABLE portals ADD COLUMN next_poll_at TEXT NULL;
        ALTER TABLE portals ADD COLUMN refresh_claimed_until TEXT NULL;
        CREATE INDEX ix_portals_next_poll ON portals (next_poll_at);
        """,
        // The portals whose queue may hold rows the service marked with event.offline.error: only they need passes with
        // error=1. Portals installed before this note was kept get it, so each has a pass that finds out.
        """
        CREATE TABLE drain_error_rows (
            member_id  TEXT PRIMARY KEY
        );
        INSERT INTO drain_error_rows (member_id) SELECT member_id FROM portals;
        """,
    ];
}
