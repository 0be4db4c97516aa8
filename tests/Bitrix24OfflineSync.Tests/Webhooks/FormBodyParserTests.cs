using System.Text;
using Bitrix24OfflineSync.Webhooks;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>Form bodies flattened to PHP-style keys, as Bitrix24's deliveries spell them.</summary>
public sealed class FormBodyParserTests
{
    private static Dictionary<string, string> Parse(string body) => FormBodyParser.Parse(Encoding.UTF8.GetBytes(body));

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
