namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>One POST to the sink: its stable id, what it is (for logs), whose it is, and the exact body bytes.</summary>
internal sealed record WebhookMessage(string Id, string Type, string MemberId, byte[] Body);
