using System.Text.Json.Serialization;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>The OAuth server's answer to a token request (only the fields the service uses).</summary>
internal sealed record OAuthTokenAnswer(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("member_id")] string? MemberId,
    [property: JsonPropertyName("client_endpoint")] string? ClientEndpoint,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("user_id")] long? UserId,
    [property: JsonPropertyName("error")] string? Error)
{
    public override string ToString() => $"OAuthTokenAnswer {{ MemberId = {MemberId}, UserId = {UserId}, Scope = {Scope}, Error = {Error} }}";
}
