using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Hosting;

// The bodies the control endpoints accept. Every field is optional at the JSON level so that a missing one can be
// answered with a 400 naming it, or given the documented default.

internal sealed record CreatePortalRequest(string? Domain);

internal sealed record FaultsRequest(int? LatencyMs, double? ServerErrorRate, double? DropResponseRate, DropNextRequest? DropNext);

internal sealed record DropNextRequest(string? Method, int? Count);

internal sealed record FeatureRequest(bool? Enabled);

internal sealed record RateLimitRequest(bool? Enabled, int? BurstLimit, double? DrainPerSecond);

internal sealed record OperatingLimitRequest(bool? Enabled, double? LimitSeconds, double? WindowSeconds, IReadOnlyDictionary<string, double>? CostPerCallSeconds);

internal sealed record CloudProfileRequest(
    bool? Enabled,
    double? RoundTripMs,
    double? GetMs,
    double? ListFewFieldsMs,
    double? ListAllFieldsMs,
    double? OfflineGetMs,
    double? WriteMs,
    double? FieldsMs,
    double? OtherMs,
    IReadOnlyDictionary<string, double>? CostPerMethodMs);

internal sealed record InstallRequest(string? InstallUrl, string? ClientId);

internal sealed record UninstallRequest(bool? Clean, string? ClientId);

internal sealed record AddUserRequest(bool? Admin, string? Name);

internal sealed record OpenAppRequest(string? ClientId);

internal sealed record GenerateRequest(int? Changes);

internal sealed record CreateTypeRequest(string? Title, int? EntityTypeId);

internal sealed record SeedRequest(string? Entity, int? Count, int? Seed);

internal sealed record SilentCallRequest(string? Method, JsonObject? Parameters, int? UserId);

internal sealed record GeneratorStartRequest(
    int? Objects,
    double? ChangesPerSecond,
    double? AddShare,
    double? UpdateShare,
    double? DeleteShare,
    IReadOnlyList<string>? Entities,
    int? Seed);
