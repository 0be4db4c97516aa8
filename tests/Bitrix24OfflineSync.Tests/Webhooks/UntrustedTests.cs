using Bitrix24OfflineSync.Webhooks;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>What reaches a log of an unauthenticated value: at most 100 characters, none of them a control character or a bidirectional override.</summary>
public sealed class UntrustedTests
{
    [Theory]
    [InlineData("a223c6b1", "a223c6b1")]
    [InlineData("line\nbreak\ttab\u0085next\u007f", "line?break?tab?next?")]
    [InlineData("gro\u202Eup\u2066x\u001b[2J", "gro?up?x?[2J")]
    [InlineData("", "")]
    [InlineData(null, null)]
    public void Clip_ReplacesControlCharacters_AndKeepsTheRest(string? value, string? expected) =>
        Assert.Equal(expected, Untrusted.Clip(value));

    [Fact]
    public void Clip_CutsALongValueAtAHundredCharacters_AfterReplacing()
    {
        var value = "\r" + new string('x', 150);

        Assert.Equal("?" + new string('x', 99), Untrusted.Clip(value));
    }
}
