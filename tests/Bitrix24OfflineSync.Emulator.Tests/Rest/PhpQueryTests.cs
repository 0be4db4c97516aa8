using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Tests.Rest;

public sealed class PhpQueryTests
{
    [Fact]
    public void Parse_NestedKeys_BuildNestedObjectsOfStrings()
    {
        var parsed = PhpQuery.Parse("filter[ID]=5&filter[>DATE_MODIFY]=2026-01-01&order[ID]=ASC&cmd[a][b][c]=1");

        AssertJson("""{"filter":{"ID":"5",">DATE_MODIFY":"2026-01-01"},"order":{"ID":"ASC"},"cmd":{"a":{"b":{"c":"1"}}}}""", parsed);
    }

    [Fact]
    public void Parse_EmptyBrackets_AppendWithTheNextIndex()
    {
        var parsed = PhpQuery.Parse("select[]=ID&select[]=TITLE&ids[5]=a&ids[]=b");

        AssertJson("""{"select":{"0":"ID","1":"TITLE"},"ids":{"5":"a","6":"b"}}""", parsed);
        Assert.Equal(["ID", "TITLE"], PhpJson.AsList(parsed["select"]).Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Parse_DuplicateKeys_TheLastOneWins()
    {
        var parsed = PhpQuery.Parse("a=1&a=2&f[x]=1&f[x]=2&s=scalar&s[k]=nested");

        AssertJson("""{"a":"2","f":{"x":"2"},"s":{"k":"nested"}}""", parsed);
    }

    [Fact]
    public void Parse_DecodesPlusAsSpaceAndPercentEscapes_InValuesAndKeys()
    {
        var parsed = PhpQuery.Parse("q=a+b%2Bc%20d%26e&fields%5BTITLE%5D=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82&flag&empty=");

        AssertJson("""{"q":"a b+c d&e","fields":{"TITLE":"Привет"},"flag":"","empty":""}""", parsed);
    }

    [Fact]
    public void Build_WritesPhpKeys_AsHttpBuildQueryDoes()
    {
        var built = PhpQuery.Build(JsonNode.Parse("""{"filter":{"ID":1},"select":["ID","TITLE"],"halt":true}"""));

        Assert.Equal("filter%5BID%5D=1&select%5B0%5D=ID&select%5B1%5D=TITLE&halt=1", built);
    }

    [Fact]
    public void Build_ThenParse_GivesTheSameTree()
    {
        var tree = JsonNode.Parse("""{"fields":{"TITLE":"a b&c=d+e/ü","TAGS":["x","y"]},"id":"7","cmd":{"get":"crm.deal.get?id=1"}}""");

        var parsed = PhpQuery.Parse(PhpQuery.Build(tree));

        AssertJson("""{"fields":{"TITLE":"a b&c=d+e/ü","TAGS":["x","y"]},"id":"7","cmd":{"get":"crm.deal.get?id=1"}}""", PhpJson.Normalize(parsed));
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
