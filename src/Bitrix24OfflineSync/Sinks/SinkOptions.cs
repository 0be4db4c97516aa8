namespace Bitrix24OfflineSync.Sinks;

/// <summary>The <c>Sink</c> configuration section.</summary>
internal sealed class SinkOptions
{
    public const string Section = "Sink";

    public SinkType Type { get; set; } = SinkType.Database;

    /// <summary>For <see cref="SinkType.Http"/>: where batches are POSTed.</summary>
    public Uri? Url { get; set; }

    /// <summary>For <see cref="SinkType.Http"/>: <c>true</c> lets <see cref="Url"/> be plain http (a receiver in development or tests).</summary>
    public bool AllowInsecureUrl { get; set; }

    /// <summary>For <see cref="SinkType.Http"/>: <c>whsec_&lt;base64 key&gt;</c>; the HMAC key is the decoded bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>For <see cref="SinkType.Http"/>: at most this many changes per POST.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>For <see cref="SinkType.Http"/>: how long one delivery may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>For <see cref="SinkType.Http"/>: delivery attempts within one commit before the batch is left for a later round.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>For <see cref="SinkType.Http"/>: the first pause between attempts; later pauses grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>For <see cref="SinkType.Http"/>: the longest pause between attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

internal enum SinkType
{
    Database,
    Http,
}
