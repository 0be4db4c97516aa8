namespace Bitrix24OfflineSync.TestKit;

/// <summary>
/// One request an <see cref="HttpReceiver"/> got: method, path, query, content type, headers, the raw body, and, when
/// the body is a form, its fields by their PHP-style names (<c>auth[member_id]</c>).
/// </summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    string Query,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyDictionary<string, string> Form)
{
    /// <summary>A form field, or null when the request did not carry it.</summary>
    public string? this[string key] => Form.GetValueOrDefault(key);

    /// <summary>A header (the values of a repeated one joined by commas), or empty when the request did not carry it.</summary>
    public string Header(string name) => Headers.GetValueOrDefault(name, "");
}
