namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// The shared schema, one script per version; applied in order under an advisory lock, never edited once released.
/// The tables and columns are those of the embedded schema, in PostgreSQL's own types; a mirrored state is <c>jsonb</c>
/// (from version 7), so that views and queries read its fields without parsing it again.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        """
        CREATE TABLE portals (
            member_id          text PRIMARY KEY,
            domain             text NOT NULL,
            client_endpoint    text NOT NULL,
            status             text NOT NULL,
            access_token       bytea NULL,
            refresh_token      bytea NULL,
            access_expires_at  timestamptz NULL,
            app_token_hash     bytea NULL,
            scope              text NOT NULL,
            signal_seq         bigint NOT NULL DEFAULT 0,
            consumed_seq       bigint NOT NULL DEFAULT 0,
            installed_at       timestamptz NOT NULL,
            updated_at         timestamptz NOT NULL
        );
        CREATE TABLE drain_journal (
            member_id        text NOT NULL,
            process_id       text NOT NULL,
            error_queue      boolean NOT NULL DEFAULT false,
            done             boolean NOT NULL DEFAULT false,
            attempts         integer NOT NULL DEFAULT 0,
            last_error       text NULL,
            next_attempt_at  timestamptz NULL,
            created_at       timestamptz NOT NULL,
            updated_at       timestamptz NOT NULL,
            PRIMARY KEY (member_id, process_id)
        );
        CREATE INDEX ix_drain_journal_pending ON drain_journal (member_id) WHERE NOT done;
        CREATE TABLE item_attempts (
            member_id    text NOT NULL,
            message_id   text NOT NULL,
            attempts     integer NOT NULL,
            last_reason  text NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        CREATE TABLE dead_letters (
            member_id    text NOT NULL,
            message_id   text NOT NULL,
            event_name   text NOT NULL,
            entity       text NOT NULL,
            entity_id    text NOT NULL,
            reason       text NOT NULL,
            attempts     integer NOT NULL,
            created_at   timestamptz NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        CREATE TABLE mirror (
            member_id    text NOT NULL,
            entity       text NOT NULL,
            entity_id    text NOT NULL,
            state        text NULL,
            deleted      boolean NOT NULL,
            modified_at  timestamptz NULL,
            fetched_at   timestamptz NOT NULL,
            synced_at    timestamptz NOT NULL,
            events       text NOT NULL,
            PRIMARY KEY (member_id, entity, entity_id)
        );
        CREATE TABLE portal_sync (
            member_id         text PRIMARY KEY,
            offline_extended  boolean NULL,
            last_drain_at     timestamptz NULL,
            last_backlog      integer NOT NULL DEFAULT 0,
            synced_objects    bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE basic_inbox (
            member_id    text NOT NULL,
            message_id   text NOT NULL,
            event_id     bigint NOT NULL,
            event_name   text NOT NULL,
            event_data   text NULL,
            received_at  timestamptz NOT NULL,
            PRIMARY KEY (member_id, message_id)
        );
        """,
        """
        CREATE TABLE drain_leases (
            member_id   text PRIMARY KEY,
            owner       text NOT NULL,
            fence       bigint NOT NULL,
            expires_at  timestamptz NOT NULL
        );
        """,
        """
        ALTER TABLE mirror ADD COLUMN origin text NOT NULL DEFAULT 'event';
        ALTER TABLE mirror ADD COLUMN entity_num bigint NULL;
        UPDATE mirror SET entity_num = entity_id::bigint WHERE entity_id ~ '^[0-9]{1,18}$';
        CREATE INDEX ix_mirror_entity_num ON mirror (member_id, entity, entity_num);
        CREATE TABLE delivered_index (
            member_id    text NOT NULL,
            entity       text NOT NULL,
            entity_id    text NOT NULL,
            entity_num   bigint NULL,
            modified_at  timestamptz NULL,
            deleted      boolean NOT NULL,
            PRIMARY KEY (member_id, entity, entity_id)
        );
        CREATE INDEX ix_delivered_index_entity_num ON delivered_index (member_id, entity, entity_num);
        CREATE TABLE sync_passes (
            member_id     text NOT NULL,
            entity        text NOT NULL,
            kind          text NOT NULL,
            cursor        bigint NOT NULL,
            max_id        bigint NULL,
            objects_read  bigint NOT NULL,
            upserted      bigint NOT NULL,
            deleted       bigint NOT NULL,
            started_at    timestamptz NOT NULL,
            finished_at   timestamptz NULL,
            PRIMARY KEY (member_id, entity, kind)
        );
        -- Portals installed before loads existed had their events bound then: they are loaded at their next turn.
        ALTER TABLE portal_sync ADD COLUMN registered_at timestamptz NULL;
        INSERT INTO portal_sync (member_id, registered_at) SELECT member_id, installed_at FROM portals
        ON CONFLICT (member_id) DO UPDATE SET registered_at = excluded.registered_at;
        """,
        // The smart-process types each portal has, as its last discovery found them.
        """
        CREATE TABLE smart_process_types (
            member_id       text NOT NULL,
            entity_type_id  bigint NOT NULL,
            title           text NOT NULL,
            seen_at         timestamptz NOT NULL,
            gone_at         timestamptz NULL,
            PRIMARY KEY (member_id, entity_type_id)
        );
        """,
        // The plan's last check and the journal's note of a reservation under way. Version 4 was first released
        // without them and later with them, so this brings either to the same schema.
        """
        ALTER TABLE portal_sync ADD COLUMN IF NOT EXISTS plan_checked_at timestamptz NULL;
        CREATE TABLE IF NOT EXISTS drain_reserving (
            member_id  text PRIMARY KEY,
            since      timestamptz NOT NULL
        );
        """,
        // A dead letter says why in the terms an operator acts on (what failed, the sink's status and the start of its
        // answer), keeps the event its object is resolved from again, and takes an operator's request to replay it.
        """
        ALTER TABLE dead_letters ADD COLUMN cause text NOT NULL DEFAULT 'fetch_failed';
        ALTER TABLE dead_letters ADD COLUMN status text NULL;
        ALTER TABLE dead_letters ADD COLUMN answer text NULL;
        ALTER TABLE dead_letters ADD COLUMN event_data text NULL;
        ALTER TABLE dead_letters ADD COLUMN replay_requested_at timestamptz NULL;
        """,
        // The state becomes jsonb. jsonb refuses a NUL character (\u0000) in a string, which a Bitrix24 text can hold:
        // such a state keeps its exact text in state_exact, and state has each NUL as U+FFFD (the JSON text's escaped
        // backslashes are set aside first, so that an escaped backslash followed by "u0000" is not taken for a NUL).
        // Any other text jsonb would refuse is kept the same way, so that no row can stop the conversion.
        """
        CREATE FUNCTION pg_temp.b24_jsonb_or_null(state text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            RETURN state::jsonb;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$;
        ALTER TABLE mirror ADD COLUMN state_exact text NULL;
        UPDATE mirror SET state_exact = state
        WHERE (strpos(state, E'\\u0000') > 0 OR strpos(lower(state), E'\\ud') > 0) AND pg_temp.b24_jsonb_or_null(state) IS NULL;
        ALTER TABLE mirror ALTER COLUMN state TYPE jsonb USING CASE
            WHEN state_exact IS NULL THEN state::jsonb
            ELSE pg_temp.b24_jsonb_or_null(replace(replace(replace(state, E'\\\\', chr(1)), E'\\u0000', E'\\ufffd'), chr(1), E'\\\\'))
        END;
        CREATE INDEX ix_mirror_entity ON mirror (entity, member_id, entity_num);
        """,
        // Each portal's field lists and the labels of their list values, and how many portals have each variant of a field
        // (kept as the lists change, so that what the portals have together is read without going over every portal).
        """
        CREATE TABLE portal_fields (
            member_id    text NOT NULL,
            entity       text NOT NULL,
            code         text NOT NULL,
            state_key    text NOT NULL,
            name         text NOT NULL,
            type         text NOT NULL,
            title        text NOT NULL,
            multiple     boolean NOT NULL,
            read_only    boolean NOT NULL,
            required     boolean NOT NULL,
            status_list  text NULL,
            read_at      timestamptz NOT NULL,
            PRIMARY KEY (member_id, entity, code)
        );
        CREATE TABLE field_variants (
            entity     text NOT NULL,
            state_key  text NOT NULL,
            name       text NOT NULL,
            type       text NOT NULL,
            multiple   boolean NOT NULL,
            title      text NOT NULL,
            portals    integer NOT NULL,
            PRIMARY KEY (entity, state_key, name, type, multiple, title)
        );
        CREATE TABLE portal_labels (
            member_id  text NOT NULL,
            entity     text NOT NULL,
            code       text NOT NULL,
            value      text NOT NULL,
            label      text NOT NULL,
            sort       integer NOT NULL,
            PRIMARY KEY (member_id, entity, code, value)
        );
        """,
        // The typed views of the mirror: the last build's views and digest, in one row that builders lock, and the column of
        // each field in them (what b24_fields and b24_labels name).
        """
        CREATE TABLE mirror_views (
            id        integer PRIMARY KEY CHECK (id = 1),
            views     text NOT NULL,
            digest    text NOT NULL,
            built_at  timestamptz NULL
        );
        INSERT INTO mirror_views (id, views, digest) VALUES (1, '', '');
        CREATE TABLE mirror_view_columns (
            view_name    text NOT NULL,
            column_name  text NOT NULL,
            entity       text NOT NULL,
            state_key    text NOT NULL,
            sql_type     text NOT NULL,
            title        text NOT NULL,
            PRIMARY KEY (view_name, column_name)
        );
        """,
        // The write API's queue (Writes/): one row per accepted write, applied in acceptance order (seq) per portal; the
        // mirror keeps the key of the write whose read-back a row is, and the HTTP forwarder's index a hash of the state it
        // delivered (a queue row of the service's own write then brings an equal state, which is not sent again).
        """
        CREATE TABLE writes (
            seq                   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            member_id             text NOT NULL,
            write_key             text NOT NULL,
            content_hash          text NOT NULL,
            entity                text NOT NULL,
            action                text NOT NULL,
            object_id             text NULL,
            fields                text NULL,
            if_unmodified_since   timestamptz NULL,
            status                text NOT NULL,
            sent                  integer NOT NULL DEFAULT 0,
            attempts              integer NOT NULL DEFAULT 0,
            error_code            text NULL,
            error_message         text NULL,
            accepted_at           timestamptz NOT NULL,
            applied_at            timestamptz NULL,
            updated_at            timestamptz NOT NULL,
            UNIQUE (member_id, write_key)
        );
        CREATE INDEX ix_writes_open ON writes (member_id, seq) WHERE status IN ('queued', 'applying');
        ALTER TABLE mirror ADD COLUMN write_key text NULL;
        ALTER TABLE delivered_index ADD COLUMN state_hash text NULL;
        """,
        // The scheduler's safety net: when each portal is next polled (a replica claims the due ones and moves them on, so
        // replicas share the sweep); and a token refresh claimed in a short transaction, the OAuth call made outside it.
        """
        ALTER TABLE portals ADD COLUMN next_poll_at timestamptz NULL;
        ALTER TABLE portals ADD COLUMN refresh_claimed_until timestamptz NULL;
        CREATE INDEX ix_portals_next_poll ON portals (next_poll_at);
        """,
        // The portals whose queue may hold rows the service marked with event.offline.error: only they need passes with
        // error=1. Portals installed before this note was kept get it, so each has a pass that finds out.
        """
        CREATE TABLE drain_error_rows (
            member_id  text PRIMARY KEY
        );
        INSERT INTO drain_error_rows (member_id) SELECT member_id FROM portals;
        """,
    ];
}
