using System.Text;

namespace OrleansUploads.Testing;

/// <summary>What a child process printed, each line stamped with the time it arrived, so a failed run's logs line up with the test's own steps.</summary>
public sealed class ProcessLog
{
    private readonly StringBuilder _lines = new();

    public void Append(string line)
    {
        lock (_lines)
        {
            _lines.Append(DateTime.Now.ToString("HH:mm:ss.fff ")).AppendLine(line);
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return _lines.ToString();
        }
    }
}
