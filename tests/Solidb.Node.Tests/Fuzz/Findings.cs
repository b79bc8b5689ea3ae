namespace Solidb.Node.Tests.Fuzz;

/// <summary>Failures of a fuzz run, the first of each kind kept, so one run reports every distinct defect.</summary>
public sealed class Findings
{
    private readonly Dictionary<string, string> _first = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count => _counts.Values.Sum();

    public void Add(string kind, string detail)
    {
        lock (_first)
        {
            _first.TryAdd(kind, detail);
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        }
    }

    public void AssertNone()
    {
        lock (_first)
        {
            if (_first.Count > 0)
            {
                throw new Xunit.Sdk.XunitException(string.Join("\n\n", _first.Select(f => $"[{_counts[f.Key]}x {f.Key}] {f.Value}")));
            }
        }
    }
}
