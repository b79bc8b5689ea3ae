using System.Diagnostics.Metrics;

namespace Solidb.Node.Http.Metrics;

/// <summary>
/// Reads one <see cref="Meter"/> instance through a <see cref="MeterListener"/>: observable
/// counters and gauges are collected on <see cref="Collect"/> (their callbacks run then, on the
/// scraping thread), histograms are aggregated into their advised buckets as they are recorded.
/// Only the given instance is read, so nodes sharing a process (the specs) each export their own.
/// Scrapes are serialized: a collection holds a lock while the callbacks run.
/// </summary>
public sealed class MeterReader : IDisposable
{
    /// <summary>Buckets for a histogram without advice (OpenTelemetry's defaults).</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener;
    private readonly Lock _collect = new();
    private readonly List<Instrument> _instruments = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Instrument, HistogramAggregate> _histograms = new();
    private Dictionary<Instrument, List<MetricSample>>? _observed;

    public MeterReader(Meter meter)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, meter))
                {
                    return;
                }

                lock (_instruments)
                {
                    _instruments.Add(instrument);
                }

                listener.EnableMeasurementEvents(instrument,
                    PrometheusNames.TypeOf(instrument) == MetricType.Histogram ? new HistogramAggregate(BoundsOf(instrument)) : null);
            },
            MeasurementsCompleted = (instrument, _) =>
            {
                lock (_instruments)
                {
                    _instruments.Remove(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, state) => OnMeasurement(i, v, tags, state));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, state) => OnMeasurement(i, v, tags, state));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, state) => OnMeasurement(i, v, tags, state));
        _listener.Start();
    }

    /// <summary>Every instrument of the meter with at least one sample, sorted by Prometheus name.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        List<Instrument> instruments;
        lock (_instruments)
        {
            instruments = [.. _instruments];
        }

        Dictionary<Instrument, List<MetricSample>> observed;
        lock (_collect)
        {
            _observed = [];
            _listener.RecordObservableInstruments();
            observed = _observed;
            _observed = null;
        }

        var families = new List<MetricFamily>(instruments.Count);
        foreach (var instrument in instruments)
        {
            var samples = instrument.IsObservable ? observed.GetValueOrDefault(instrument) ?? []
                : _histograms.TryGetValue(instrument, out var aggregate) ? aggregate.Snapshot() : [];
            if (samples.Count > 0)
            {
                families.Add(new MetricFamily(PrometheusNames.For(instrument), PrometheusNames.TypeOf(instrument),
                    instrument.Description ?? instrument.Name, samples));
            }
        }

        families.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return families;
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is HistogramAggregate histogram)
        {
            _histograms.TryAdd(instrument, histogram);
            histogram.Record(value, tags);
            return;
        }

        // Observable instruments report only from RecordObservableInstruments, under the collect lock.
        if (_observed is { } observed)
        {
            if (!observed.TryGetValue(instrument, out var samples))
            {
                observed[instrument] = samples = [];
            }

            samples.Add(new MetricSample(Labels(tags), value));
        }
    }

    private static IReadOnlyList<double> BoundsOf(Instrument instrument) =>
        instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } ? bounds
        : instrument is Histogram<long> { Advice.HistogramBucketBoundaries: { } longBounds } ? longBounds.Select(b => (double)b).ToArray()
        : DefaultBounds;

    internal static IReadOnlyList<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return [];
        }

        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }
}
