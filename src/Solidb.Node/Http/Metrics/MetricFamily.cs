namespace Solidb.Node.Http.Metrics;

/// <summary>One metric of the exposition: its Prometheus name, type and help, and its samples (one per label set).</summary>
public sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<MetricSample> Samples);

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// One label set's value; for a histogram, <see cref="Buckets"/> holds the count per upper bound
/// (not cumulative; the last entry is the +Inf bucket), <see cref="Value"/> the sum, <see cref="Count"/> the count.
/// </summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    public IReadOnlyList<double>? Bounds { get; init; }
    public IReadOnlyList<long>? Buckets { get; init; }
    public long Count { get; init; }
}
