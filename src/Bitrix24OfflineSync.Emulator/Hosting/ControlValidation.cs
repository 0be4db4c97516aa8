using Bitrix24OfflineSync.Emulator.Generator;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Checks shared by the control endpoints and the runnable app's start-up settings.</summary>
internal static class ControlValidation
{
    /// <summary>A kind of object the seeder and the generator know (a smart-process type is checked against the portal later).</summary>
    public static bool IsEntity(string? name) => GeneratorEntity.TryParse(name, out _);

    /// <summary>A portal domain is a dotted DNS name: it becomes a path segment and a Host header.</summary>
    public static bool IsDomain(string domain) =>
        domain.Contains('.', StringComparison.Ordinal) && Uri.CheckHostName(domain) == UriHostNameType.Dns;

    /// <summary>An absolute http(s) URL, as Bitrix24 accepts for handlers and install paths.</summary>
    public static bool IsHttpUrl(string? text, out Uri url)
    {
        url = null!;
        return Uri.TryCreate(text, UriKind.Absolute, out var parsed) &&
            (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps) &&
            (url = parsed) is not null;
    }

    /// <summary>What is wrong with a change load, each message naming the setting as <paramref name="key"/> spells it.</summary>
    public static IEnumerable<string> GeneratorErrors(ChangeGeneratorOptions options, Func<string, string> key)
    {
        if (options.Objects < 1)
        {
            yield return $"{key(nameof(options.Objects))} must be at least 1.";
        }

        if (!(options.ChangesPerSecond > 0) || double.IsInfinity(options.ChangesPerSecond))
        {
            yield return $"{key(nameof(options.ChangesPerSecond))} must be a positive number.";
        }

        double[] shares = [options.AddShare, options.UpdateShare, options.DeleteShare];
        if (shares.Any(s => !(s >= 0) || double.IsInfinity(s)) || !(shares.Sum() > 0))
        {
            yield return $"{key(nameof(options.AddShare))}, {key(nameof(options.UpdateShare))} and {key(nameof(options.DeleteShare))} must not be negative and must not all be 0.";
        }

        if (options.Entities.Count == 0)
        {
            yield return $"{key(nameof(options.Entities))} must name at least one of: {GeneratorEntity.Known}.";
        }

        foreach (var unknown in options.Entities.Where(e => !IsEntity(e)))
        {
            yield return $"{key(nameof(options.Entities))}: '{unknown}' is not one of: {GeneratorEntity.Known}.";
        }
    }
}
