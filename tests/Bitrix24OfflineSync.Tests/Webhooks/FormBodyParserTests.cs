using System.Text;
using Bitrix24OfflineSync.Webhooks;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>Form bodies flattened to PHP-style keys, as Bitrix24's deliveries spell them.</summary>
public sealed class FormBodyParserTests
{
    private static IReadOnlyDictionary<string, string> Parse(string body) => FormBodyParser.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void NamedSegments_KeepTheirKeys_AndValuesAreDecoded()
    {
        var values = Parse("event=ONOFFLINEEVENT&auth[member_id]=abc&data[FIELDS][ID]=7&auth[domain]=a.bitrix24.com&x=a+b%21");

        Assert.Equal("ONOFFLINEEVENT", values["event"]);
        Assert.Equal("abc", values["auth[member_id]"]);
        Assert.Equal("7", values["data[FIELDS][ID]"]);
        Assert.Equal("a b!", values["x"]);
        Assert.Equal("abc", new EventPayload(values).Auth("member_id"));
    }

    [Fact]
    public void KeysWithEscapedBrackets_AsPhpWritesThem_AreTheSameKeys_AndEveryValueReadsDecoded()
    {
        var values = Parse("event=ONOFFLINEEVENT&auth%5Bmember_id%5D=abc&auth%5bdomain%5d=a.bitrix24.com&auth%5Bclient_endpoint%5D=https%3A%2F%2Fa.bitrix24.com%2Frest%2F&data%5BFIELDS%5D%5BID%5D=7");

        Assert.Equal("abc", values["auth[member_id]"]);
        Assert.Equal("a.bitrix24.com", values["auth[domain]"]);
        Assert.Equal("7", values["data[FIELDS][ID]"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["event"] = "ONOFFLINEEVENT",
                ["auth[member_id]"] = "abc",
                ["auth[domain]"] = "a.bitrix24.com",
                ["auth[client_endpoint]"] = "https://a.bitrix24.com/rest/",
                ["data[FIELDS][ID]"] = "7",
            },
            values.ToDictionary(p => p.Key, p => p.Value));
    }

    [Theory]
    [InlineData("auth[member_id]=a&auth[access_token]=%C3%28", "invalid UTF-8")]
    [InlineData("auth[member_id]=a&auth[access_token]=%FF", "invalid UTF-8")]
    [InlineData("auth[member_id]=a&auth[scope]=crm%2", "a bad percent-escape")]
    [InlineData("auth[member_id]=a&auth[scope]=%zz", "a bad percent-escape")]
    public void EveryValue_IsCheckedWhenParsed_ThoughItIsDecodedOnlyWhenRead(string body, string reason)
    {
        var refused = Assert.Throws<MalformedBodyException>(() => Parse(body));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(reason, refused.Reason);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    public void ALaterDuplicateWins_InASmallBodyAndAMuchLargerOne(int keys)
    {
        var pairs = Enumerable.Range(0, keys).Select(i => $"k{i}=v{i}")
            .Append("k3=again").Append("k0=last")
            .Append($"k{keys - 1}=late");

        var values = Parse(string.Join('&', pairs));

        Assert.Equal(keys, values.Count);
        Assert.Equal("last", values["k0"]);
        Assert.Equal("again", values["k3"]);
        Assert.Equal("v1", values["k1"]);
        Assert.Equal("late", values[$"k{keys - 1}"]);
        Assert.False(values.ContainsKey($"k{keys}"));
        Assert.Equal(Enumerable.Range(0, keys).Select(i => $"k{i}"), values.Keys);
    }

    [Fact]
    public void EmptySegments_Append_ByIndexPerPrefix_AndALaterDuplicateWins()
    {
        var values = Parse("a[]=x&a[]=y&b[c][]=z&a[0]=w");

        Assert.Equal("w", values["a[0]"]);
        Assert.Equal("y", values["a[1]"]);
        Assert.Equal("z", values["b[c][0]"]);
    }

    [Theory]
    [InlineData("a[b[c]]=1", "a[b[c]]")]
    [InlineData("a[b]x[c]=1", "a[b]x[c]")]
    [InlineData("a[b]c=1", "a[b]c")]
    [InlineData("[a]=1", "[a]")]
    public void KeysNotShapedLikePhps_AreKeptAsTheyCame(string body, string key) =>
        Assert.Equal("1", Parse(body)[key]);

    [Fact]
    public void KeysNestedDeeperThanTheLimit_AreRefused_NamedOrAppended()
    {
        var named = "k" + string.Concat(Enumerable.Repeat("[s]", BodyLimits.MaxDepth)) + "=1";
        var appended = "k" + string.Concat(Enumerable.Repeat("[]", BodyLimits.MaxDepth)) + "=1";
        var deepest = "k" + string.Concat(Enumerable.Repeat("[s]", BodyLimits.MaxDepth - 1)) + "=1";

        Assert.Equal(400, Assert.Throws<MalformedBodyException>(() => Parse(named)).StatusCode);
        Assert.Equal(400, Assert.Throws<MalformedBodyException>(() => Parse(appended)).StatusCode);
        Assert.Single(Parse(deepest));
    }
}
