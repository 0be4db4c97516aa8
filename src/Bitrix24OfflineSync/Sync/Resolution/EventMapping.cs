namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// What one event name means: which entity it changed, where its data keeps the object's id (the first path that
/// holds one wins), whether it deletes the object, and how the entity is fetched (null only for a delete). An event
/// whose entity depends on its data (a smart-process item's type) names where its data keeps that
/// (<see cref="TypePath"/>); <see cref="EventMapper.Resolve"/> makes it concrete.
/// </summary>
internal sealed record EventMapping(string EventName, string Entity, IReadOnlyList<string> IdPaths, bool IsDelete, EntityFetch? Fetch, string? TypePath = null);
