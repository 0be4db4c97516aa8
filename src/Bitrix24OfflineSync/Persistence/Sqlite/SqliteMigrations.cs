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
    ];
}
