using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

public sealed class MalformedInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, HttpStatusCode> Cases => new()
    {
        { "empty body", HttpStatusCode.BadRequest },
        { "wrong content type", HttpStatusCode.UnsupportedMediaType },
        { "no content type", HttpStatusCode.UnsupportedMediaType },
        { "oversized body", HttpStatusCode.RequestEntityTooLarge },
        { "oversized chunked body", HttpStatusCode.RequestEntityTooLarge },
        { "invalid UTF-8", HttpStatusCode.BadRequest },
        { "bad percent-escape", HttpStatusCode.BadRequest },
        { "invalid UTF-8 in a value no handler reads", HttpStatusCode.BadRequest },
        { "bad percent-escape in a value no handler reads", HttpStatusCode.BadRequest },
        { "thousands of keys", HttpStatusCode.BadRequest },
        { "deep nesting", HttpStatusCode.BadRequest },
        { "deep JSON nesting", HttpStatusCode.BadRequest },
        { "invalid JSON", HttpStatusCode.BadRequest },
        { "JSON array", HttpStatusCode.BadRequest },
        { "duplicate keys", HttpStatusCode.Unauthorized },
        { "no auth at all", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedBody_GetsAClearClientError(string name, HttpStatusCode expected)
    {
        await using var service = await ServiceHarness.StartAsync(world: null);

        using var response = await service.Http.SendAsync(Request(service.EventsUrl, name), Ct);

        Assert.Equal(expected, response.StatusCode);
        await AssertHealthyAsync(service);
    }

    [Fact]
    public async Task RandomBytes_NeverGetA5xxAndTheServiceStaysHealthy()
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        var random = new Random(1234);
        var allowed = new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.OK };

        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(i % 2 == 0 ? "application/x-www-form-urlencoded" : "application/json");
            using var response = await service.Http.PostAsync(service.EventsUrl, content, Ct);
            Assert.Contains(response.StatusCode, allowed);
        }

        await AssertHealthyAsync(service);
    }

    private static HttpRequestMessage Request(Uri url, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = name switch
        {
            "empty body" => Raw(""),
            "wrong content type" => Raw("event=ONOFFLINEEVENT", "text/plain"),
            "no content type" => NoContentType("event=ONOFFLINEEVENT"),
            "oversized body" => Raw("event=ONOFFLINEEVENT&pad=" + new string('x', 70 * 1024)),
            "oversized chunked body" => Chunked(Encoding.UTF8.GetBytes("event=ONOFFLINEEVENT&pad=" + new string('x', 70 * 1024))),
            "invalid UTF-8" => Raw("event=ONOFFLINEEVENT&auth[member_id]=%FF%FE%FD"),
            "bad percent-escape" => Raw("event=ONOFFLINEEVENT&auth[member_id]=%G1"),
            "invalid UTF-8 in a value no handler reads" => Raw("event=ONOFFLINEEVENT&auth[member_id]=a&auth[access_token]=%C3%28"),
            "bad percent-escape in a value no handler reads" => Raw("event=ONOFFLINEEVENT&auth[member_id]=a&auth[scope]=crm%2"),
            "thousands of keys" => Raw(string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=v"))),
            "deep nesting" => Raw("event=ONOFFLINEEVENT&a" + string.Concat(Enumerable.Repeat("[x]", 40)) + "=1"),
            "deep JSON nesting" => Raw(new string('[', 200) + new string(']', 200), "application/json"),
            "invalid JSON" => Raw("{\"event\": \"ONOFFLINEEVENT\",", "application/json"),
            "JSON array" => Raw("[1,2,3]", "application/json"),
            "duplicate keys" => Raw("event=ONOFFLINEEVENT&auth[member_id]=a&auth[member_id]=b&auth[application_token]=c&auth[application_token]=d"),
            "no auth at all" => Raw("event=ONOFFLINEEVENT"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return request;
    }

    private static ByteArrayContent NoContentType(string body) => new(Encoding.UTF8.GetBytes(body));

    private static async Task AssertHealthyAsync(ServiceHarness service)
    {
        using var ready = await service.Http.GetAsync("health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
