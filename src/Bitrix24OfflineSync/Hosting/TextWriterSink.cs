using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>Writes formatted events to a <see cref="TextWriter"/>, one line each, serialised.</summary>
internal sealed class TextWriterSink(ITextFormatter formatter, TextWriter writer) : ILogEventSink
{
    private readonly Lock _sync = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_sync)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
