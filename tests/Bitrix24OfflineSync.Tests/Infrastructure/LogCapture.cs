using System.Text;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>Receives every JSON line the service's logger writes.</summary>
public sealed class LogCapture : TextWriter
{
    private readonly Lock _sync = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_sync)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    public override void Write(char value)
    {
        lock (_sync)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_sync)
        {
            _text.Append(value);
        }
    }
}
