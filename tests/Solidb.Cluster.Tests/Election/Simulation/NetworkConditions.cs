using System.Globalization;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// What the simulated network does to messages for a while: which nodes can talk (nodes on
/// different partition sides cannot, including messages already in flight), how often a message
/// is dropped, and how often it is delayed by 50 ms-1.5 s instead of the normal 1-50 ms.
/// </summary>
internal sealed class NetworkConditions
{
    private readonly int[] _groupOf;

    public NetworkConditions(IReadOnlyList<int> groupOf, double dropProbability = 0, double longDelayProbability = 0)
    {
        _groupOf = groupOf.ToArray();
        DropProbability = dropProbability;
        LongDelayProbability = longDelayProbability;
    }

    public IReadOnlyList<int> GroupOf => _groupOf;

    public double DropProbability { get; }

    public double LongDelayProbability { get; }

    public bool Lossy => DropProbability > 0 || LongDelayProbability > 0;

    public bool Partitioned => _groupOf.Distinct().Count() > 1;

    public static NetworkConditions Healthy(int nodes) => new(new int[nodes]);

    /// <summary>The given nodes on one side, all others on the other.</summary>
    public static NetworkConditions Split(int nodes, params int[] side) =>
        new(Enumerable.Range(0, nodes).Select(n => side.Contains(n) ? 1 : 0).ToArray());

    public bool Connected(int from, int to) => _groupOf[from] == _groupOf[to];

    public override string ToString()
    {
        var parts = new List<string>();
        if (Partitioned)
        {
            parts.Add("partition " + string.Join(" | ", _groupOf.Select((g, n) => (g, n)).GroupBy(x => x.g).OrderBy(g => g.Key)
                .Select(g => "{" + string.Join(", ", g.Select(x => ElectionHistory.Name(x.n))) + "}")));
        }

        if (DropProbability > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"drops {DropProbability:P0}"));
        }

        if (LongDelayProbability > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"long delays {LongDelayProbability:P0}"));
        }

        return parts.Count == 0 ? "healthy" : string.Join(", ", parts);
    }
}
