using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;

namespace Bitrix24OfflineSync.Emulator.Hosting;

// What the control endpoints answer, serialized in snake_case (ControlJson.Output).

internal sealed record PortalView(
    string Domain,
    string MemberId,
    string ClientEndpoint,
    IReadOnlyList<InstalledAppView> Apps,
    IReadOnlyDictionary<string, bool> Features,
    int QueueDepth,
    GeneratorView? Generator);

internal sealed record InstalledAppView(string ClientId, int UserId, bool IsAdmin, string ApplicationToken, string InstalledAt);

internal sealed record StatsView(
    int Requests,
    int Connections,
    IReadOnlyDictionary<string, int> Calls,
    int RejectedByLimit,
    int RejectedByOperatingLimit,
    int MaxConcurrentRequests,
    double BucketLevel,
    IReadOnlyList<CallLogEntry> CallLog);

internal sealed record FaultsView(long LatencyMs, double ServerErrorRate, double DropResponseRate);

internal sealed record CloudProfileView(
    bool Enabled,
    double RoundTripMs,
    double GetMs,
    double ListFewFieldsMs,
    double ListAllFieldsMs,
    double OfflineGetMs,
    double WriteMs,
    double FieldsMs,
    double OtherMs,
    IReadOnlyDictionary<string, double> CostPerMethodMs);

internal sealed record ConnectionsView(long Accepted, IReadOnlyDictionary<string, int> ByPortal);

internal sealed record FeatureView(string Code, bool Enabled);

internal sealed record RateLimitView(bool Enabled, int BurstLimit, double DrainPerSecond, double Level);

internal sealed record OperatingLimitView(
    bool Enabled,
    double LimitSeconds,
    double WindowSeconds,
    IReadOnlyDictionary<string, double> CostPerCallSeconds,
    IReadOnlyList<OperatingUsageView> Usage);

internal sealed record OperatingUsageView(string ClientId, string Method, double Operating, long OperatingResetAt);

internal sealed record InstallView(
    string Domain,
    string MemberId,
    string ClientId,
    string AccessToken,
    string RefreshToken,
    long Expires,
    string ApplicationToken,
    int? CallbackStatus);

internal sealed record UserView(int Id, bool Admin, string Name);

internal sealed record UserTokensView(int UserId, string ClientId, string AccessToken, string RefreshToken, long Expires);

internal sealed record GenerateView(int ChangesMade);

internal sealed record TypeView(int Id, int EntityTypeId, string Title, int ItemCount);

internal sealed record SeedView(string Entity, int Count, long FirstId, long LastId);

/// <summary>A method's answer as REST gives it, without the <c>time</c> block: a silent call is not a REST hit.</summary>
internal sealed record SilentCallView(JsonNode? Result, int? Total, int? Next);

internal sealed record GeneratorView(bool Running, int ChangesMade, double? ChangesPerSecond, int? Objects);
