namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>Loads and drift checks, ids 1320–1339.</summary>
internal static partial class PassLog
{
    [LoggerMessage(1320, LogLevel.Information, "Portal {MemberId}: {Kind} of {Entity} started")]
    public static partial void Started(ILogger logger, string memberId, PassKind kind, string entity);

    [LoggerMessage(1321, LogLevel.Information, "Portal {MemberId}: load of {Entity} done: {ObjectCount} objects read, {Upserted} written, {Deleted} tombstoned")]
    public static partial void LoadDone(ILogger logger, string memberId, string entity, long objectCount, long upserted, long deleted);

    [LoggerMessage(1322, LogLevel.Information, "Portal {MemberId}: drift check of {Entity} done: {ObjectCount} objects read, {OutOfStep} out of step ({Upserted} repaired, {Deleted} tombstoned)")]
    public static partial void CheckDone(ILogger logger, string memberId, string entity, long objectCount, long outOfStep, long upserted, long deleted);

    [LoggerMessage(1324, LogLevel.Information, "Portal {MemberId}: {TypeCount} smart-process types found")]
    public static partial void TypesFound(ILogger logger, string memberId, long typeCount);

    [LoggerMessage(1325, LogLevel.Warning, "Portal {MemberId}: {Entity} is gone from the portal (its smart-process type was deleted); {Deleted} objects tombstoned")]
    public static partial void Retired(ILogger logger, string memberId, string entity, long deleted);

    [LoggerMessage(1323, LogLevel.Warning, "Portal {MemberId}: {Kind} of {Entity} could not read ids after {AfterId}: {Reason}; it is tried again")]
    public static partial void ReadFailed(ILogger logger, string memberId, PassKind kind, string entity, long afterId, string reason);

    [LoggerMessage(1326, LogLevel.Information, "Portal {MemberId}: field lists of {EntityCount} entities read ({FieldCount} fields); changed: {Changed}")]
    public static partial void FieldsRead(ILogger logger, string memberId, int entityCount, int fieldCount, bool changed);

    [LoggerMessage(1327, LogLevel.Warning, "Portal {MemberId}: the field list of {Entity} could not be read: {Reason}; its fields stay as they were")]
    public static partial void FieldsNotRead(ILogger logger, string memberId, string entity, string reason);
}
