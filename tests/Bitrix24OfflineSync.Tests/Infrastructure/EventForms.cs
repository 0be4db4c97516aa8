using System.Text;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>Builds event bodies as Bitrix24 sends them: form-encoded, PHP-style keys, every value a string.</summary>
public static class EventForms
{
    public static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    public static StringContent Raw(string body, string contentType = "application/x-www-form-urlencoded") =>
        new(body, Encoding.UTF8, contentType);

    public static FormUrlEncodedContent Doorbell(string memberId, string applicationToken, string? accessToken = null, string? refreshToken = null) =>
        Form(
            ("event", "ONOFFLINEEVENT"),
            ("event_handler_id", "7"),
            ("ts", "1766400000"),
            ("auth[access_token]", accessToken ?? "doorbell-access"),
            ("auth[expires_in]", "3600"),
            ("auth[scope]", "crm,task"),
            ("auth[domain]", "test.bitrix24.com"),
            ("auth[member_id]", memberId),
            ("auth[refresh_token]", refreshToken ?? "doorbell-refresh"),
            ("auth[application_token]", applicationToken));

    /// <summary>An ONAPPINSTALL as Bitrix24 posts it, carrying the given tokens and claims.</summary>
    public static FormUrlEncodedContent Install(string memberId, string refreshToken, Uri clientEndpoint, string applicationToken, string domain) =>
        Form(
            ("event", "ONAPPINSTALL"),
            ("data[VERSION]", "1"),
            ("data[ACTIVE]", "Y"),
            ("data[INSTALLED]", "Y"),
            ("data[LANGUAGE_ID]", "en"),
            ("ts", "1766400000"),
            ("auth[access_token]", "forged-access"),
            ("auth[expires_in]", "3600"),
            ("auth[scope]", "crm,task"),
            ("auth[domain]", domain),
            ("auth[server_endpoint]", "https://oauth.bitrix24.tech/rest/"),
            ("auth[status]", "L"),
            ("auth[client_endpoint]", clientEndpoint.ToString()),
            ("auth[member_id]", memberId),
            ("auth[refresh_token]", refreshToken),
            ("auth[application_token]", applicationToken));

    /// <summary>An ONAPPUNINSTALL as Bitrix24 posts it: no tokens, only the application_token as proof.</summary>
    public static FormUrlEncodedContent Uninstall(string memberId, string applicationToken, bool clean = false) =>
        Form(
            ("event", "ONAPPUNINSTALL"),
            ("data[LANGUAGE_ID]", "en"),
            ("data[CLEAN]", clean ? "1" : "0"),
            ("ts", "1766400000"),
            ("auth[domain]", "test.bitrix24.com"),
            ("auth[member_id]", memberId),
            ("auth[application_token]", applicationToken));

    /// <summary>
    /// A form body sent without a length (chunked), so limits must hold while it is read; with <paramref name="piece"/>,
    /// a piece of that many bytes at a time, each after a pause, so the server reads it in parts.
    /// </summary>
    public static StreamContent Chunked(byte[] body, int? piece = null)
    {
        var content = new StreamContent(new PiecewiseStream(body, piece ?? body.Length));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private sealed class PiecewiseStream(byte[] data, int piece) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (piece < data.Length)
            {
                await Task.Delay(5, cancellationToken);
            }

            var count = Math.Min(Math.Min(piece, buffer.Length), data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
