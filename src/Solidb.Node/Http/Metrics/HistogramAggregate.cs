namespace Solidb.Node.Http.Metrics;

/// <summary>One histogram's buckets, sum and count per label set, as recorded since the reader started. Thread-safe.</summary>
internal sealed class HistogramAggregate(IReadOnlyList<double> bounds)
{
    private readonly Dictionary<string, (IReadOnlyList<KeyValuePair<string, string>> Labels, long[] Buckets, double Sum)> _series = [];

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = MeterReader.Labels(tags);
        var key = string.Join('\n', labels.Select(l => $"{l.Key}={l.Value}"));
        lock (_series)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                series = (labels, new long[bounds.Count + 1], 0);
            }

            // Prometheus buckets are "less than or equal": the first bound at or above the value.
            var bucket = 0;
            while (bucket < bounds.Count && value > bounds[bucket])
            {
                bucket++;
            }

            series.Buckets[bucket]++;
            _series[key] = series with { Sum = series.Sum + value };
        }
    }

    public IReadOnlyList<MetricSample> Snapshot()
    {
        lock (_series)
        {
            return _series.Values.Select(s => new MetricSample(s.Labels, s.Sum)
            {
                Bounds = bounds, Buckets = [.. s.Buckets], Count = s.Buckets.Sum(),
            }).ToList();
        }
    }
}
