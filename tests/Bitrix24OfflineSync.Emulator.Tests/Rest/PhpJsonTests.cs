using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Tests.Rest;

public sealed class PhpJsonTests
{
    [Theory]
    [InlineData("""{"0":"a","1":"b"}""", """["a","b"]""")]
    [InlineData("""{"1":"a","2":"b"}""", """{"1":"a","2":"b"}""")]
    [InlineData("""{"0":"a","2":"b"}""", """{"0":"a","2":"b"}""")]
    [InlineData("""{"1":"a","0":"b"}""", """{"1":"a","0":"b"}""")]
    [InlineData("""{"ID":"1"}""", """{"ID":"1"}""")]
    [InlineData("""{}""", """[]""")]
    [InlineData("""{"a":{},"b":{"0":{"x":{}}}}""", """{"a":[],"b":[{"x":[]}]}""")]
    [InlineData("""[{"0":1},{}]""", """[[1],[]]""")]
    public void Normalize_GivesArraysThePhpShape(string input, string expected)
    {
        var normalized = PhpJson.Normalize(JsonNode.Parse(input));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), normalized), $"Expected {expected}, got {normalized?.ToJsonString()}");
    }

    [Fact]
    public void Normalize_LeavesItsInputAlone()
    {
        var input = JsonNode.Parse("""{"list":{"0":"a"}}""")!;

        _ = PhpJson.Normalize(input);

        Assert.Equal("""{"list":{"0":"a"}}""", input.ToJsonString());
    }

    [Theory]
    [InlineData("""{"0":{"ID":"1"},"1":[]}""", """[{"ID":"1"},[]]""")]
    [InlineData("""{}""", """[]""")]
    [InlineData("""{"a":{"ID":"1"}}""", """{"a":{"ID":"1"}}""")]
    public void ShapeOwned_GivesAnObjectOfShapedValuesTheShapeNormalizeWould_AndTheValuesCanBeAttachedElsewhere(string input, string expected)
    {
        var owned = JsonNode.Parse(input)!.AsObject();

        var shaped = PhpJson.ShapeOwned(owned);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), shaped), $"Expected {expected}, got {shaped.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(PhpJson.Normalize(JsonNode.Parse(input)), shaped));
        Assert.Equal(expected, new JsonObject { ["answer"] = shaped }["answer"]!.ToJsonString());
    }

    [Fact]
    public void Encode_EscapesSlashesAndNonAsciiAsLowercaseUnicodeEscapes()
    {
        var encoded = PhpJson.Encode(JsonNode.Parse("""{"url":"https://a.b/c","name":"Привет é","emoji":"😀"}"""));

        Assert.Equal("""{"url":"https:\/\/a.b\/c","name":"\u041f\u0440\u0438\u0432\u0435\u0442 \u00e9","emoji":"\ud83d\ude00"}""", encoded);
    }

    [Fact]
    public void Encode_HexEscapesTagsAmpersandsAndQuotes_AsBitrixJsonEncodeDoes()
    {
        var encoded = PhpJson.Encode(JsonValue.Create("<a href='x'>\"&\"</a>\\\n\t\b\f\u0001\u007f"));

        // DEL is ASCII: PHP writes it as it is.
        Assert.Equal(@"""\u003Ca href=\u0027x\u0027\u003E\u0022\u0026\u0022\u003C\/a\u003E\\\n\t\b\f\u0001" + "\u007f\"", encoded);
    }

    [Fact]
    public void Encode_OfEventData_IsWhatTheServerHashesIntoMessageId()
    {
        var encoded = PhpJson.Encode(JsonNode.Parse("""{"FIELDS":{"ID":759},"EMPTY":{},"LIST":{"0":true,"1":null}}"""));

        Assert.Equal("""{"FIELDS":{"ID":759},"EMPTY":[],"LIST":[true,null]}""", encoded);
    }

    [Fact]
    public void AsList_ReadsJsonArraysNumericKeyObjectsScalarsAndNothing()
    {
        Assert.Equal(["a", "b"], PhpJson.AsList(JsonNode.Parse("""["a","b"]""")).Select(n => n!.GetValue<string>()));
        Assert.Equal(["a", "b"], PhpJson.AsList(JsonNode.Parse("""{"0":"a","1":"b"}""")).Select(n => n!.GetValue<string>()));
        Assert.Equal(["a"], PhpJson.AsList(JsonValue.Create("a")).Select(n => n!.GetValue<string>()));
        Assert.Empty(PhpJson.AsList(null));
    }
}
