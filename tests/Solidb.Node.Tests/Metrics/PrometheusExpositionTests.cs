using System.Diagnostics.Metrics;
using Solidb.Node.Http.Metrics;
using Xunit;

namespace Solidb.Node.Tests.Metrics;

/// <summary>The exposition written from a MeterListener, read back by a strict 0.0.4 parser.</summary>
public sealed class PrometheusExpositionTests : IDisposable
{
    private readonly Meter _meter = new("Solidb.Cluster");

    public void Dispose() => _meter.Dispose();

    [Fact]
    public void Counters_gauges_and_histograms_of_one_meter_parse_back_with_their_names_types_labels_and_values()
    {
        var dropped = 7L;
        _meter.CreateObservableCounter("solidb.rejections", () => new[]
        {
            new Measurement<long>(dropped, new KeyValuePair<string, object?>("reason", "sender_mismatch")),
            new Measurement<long>(0, new KeyValuePair<string, object?>("reason", "a \"quoted\" \\ value\nover two lines")),
        }, "{message}", "Refused, by reason.\nSecond line \\ of help.");
        _meter.CreateObservableGauge("solidb.clock.offset_to_majority", () => -0.0125, "s", "Offset.");
        _meter.CreateObservableGauge("solidb.term", () => 42L, "{term}", "Term.");
        var trips = _meter.CreateHistogram("solidb.heartbeat.round_trip", "s", "Round trips.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1] });
        using var reader = new MeterReader(_meter);
        foreach (var seconds in new[] { 0.0005, 0.001, 0.002, 0.05, 0.05, 3 })
        {
            trips.Record(seconds);
        }

        var text = PrometheusText.Write(reader.Collect());
        var families = Exposition.Parse(text);

        Assert.Equal(["solidb_clock_offset_to_majority_seconds", "solidb_heartbeat_round_trip_seconds", "solidb_rejections_total", "solidb_term"],
            families.Keys.Order(StringComparer.Ordinal));
        var rejections = families["solidb_rejections_total"];
        Assert.Equal(("counter", "Refused, by reason.\nSecond line \\ of help."), (rejections.Type, rejections.Help));
        Assert.Equal(7, rejections.Value("reason", "sender_mismatch"));
        Assert.Equal(0, rejections.Value("reason", "a \"quoted\" \\ value\nover two lines"));
        Assert.Equal(("gauge", -0.0125), (families["solidb_clock_offset_to_majority_seconds"].Type, families["solidb_clock_offset_to_majority_seconds"].Value()));
        Assert.Equal(42, families["solidb_term"].Value());

        var histogram = families["solidb_heartbeat_round_trip_seconds"];
        Assert.Equal("histogram", histogram.Type);
        // Buckets are cumulative and "less than or equal": 0.001 holds 0.0005 and 0.001.
        Assert.Equal([2, 3, 5, 6], new[] { "0.001", "0.01", "0.1", "+Inf" }.Select(le => histogram.Value("le", le, "_bucket")));
        Assert.Equal(6, histogram.Value(suffix: "_count"));
        Assert.Equal(3.1035, histogram.Value(suffix: "_sum"), 9);

        dropped = 8;
        Assert.Equal(8, Exposition.Parse(PrometheusText.Write(reader.Collect()))["solidb_rejections_total"].Value("reason", "sender_mismatch"));
    }

    [Fact]
    public void A_reader_exports_only_its_own_meter_instance_and_skips_instruments_without_samples()
    {
        using var other = new Meter("Solidb.Cluster");
        other.CreateObservableGauge("solidb.term", () => 9L, "{term}", "Term of another node.");
        _meter.CreateObservableGauge("solidb.term", () => Array.Empty<Measurement<long>>(), "{term}", "Term: none before the supervisor publishes.");
        _meter.CreateObservableGauge("solidb.incarnation", () => 3L, "{incarnation}", "Incarnation.");
        _meter.CreateHistogram<double>("solidb.election.duration", "s", "Nothing recorded yet.");
        using var reader = new MeterReader(_meter);

        var families = Exposition.Parse(PrometheusText.Write(reader.Collect()));

        Assert.Equal(["solidb_incarnation"], families.Keys);
        Assert.Equal(3, families["solidb_incarnation"].Value());
    }

    [Fact]
    public void A_histogram_records_only_while_the_reader_listens_and_a_disposed_meter_leaves_an_empty_exposition()
    {
        var durations = _meter.CreateHistogram<double>("solidb.election.duration", "s", "Elections.");
        durations.Record(1); // before the reader: nobody listens
        using var reader = new MeterReader(_meter);
        durations.Record(0.3);

        var families = Exposition.Parse(PrometheusText.Write(reader.Collect()));
        Assert.Equal(1, families["solidb_election_duration_seconds"].Value(suffix: "_count"));
        // No advice: OpenTelemetry's default bounds (0, 5, 10, ...).
        Assert.Equal((0, 1), (families["solidb_election_duration_seconds"].Value("le", "0", "_bucket"), families["solidb_election_duration_seconds"].Value("le", "5", "_bucket")));

        _meter.Dispose();
        Assert.Equal("", PrometheusText.Write(reader.Collect()));
    }

    [Theory]
    [InlineData("solidb.heartbeats_sent", "{heartbeat}", true, "solidb_heartbeats_sent_total")]
    [InlineData("solidb.rejections_total", "{message}", true, "solidb_rejections_total")]
    [InlineData("solidb.heartbeat.round_trip", "s", false, "solidb_heartbeat_round_trip_seconds")]
    [InlineData("solidb.uptime_seconds", "s", false, "solidb_uptime_seconds")]
    [InlineData("solidb.is_leader", "1", false, "solidb_is_leader")]
    [InlineData("solidb.log-size", "By", true, "solidb_log_size_bytes_total")]
    [InlineData("9lives", null, false, "_9lives")]
    public void Names_follow_the_prometheus_convention(string name, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusNames.For(name, unit, counter));

    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Numbers_are_written_invariantly_and_read_back_exactly(double value, string expected)
    {
        Assert.Equal(expected, PrometheusText.Number(value));
        Assert.Equal(value, Exposition.Parse($"# HELP x x\n# TYPE x gauge\nx {PrometheusText.Number(value)}\n")["x"].Value());
    }

    [Theory]
    [InlineData("x 1\n")] // a sample before its HELP and TYPE
    [InlineData("# HELP x x\n# TYPE x gauge\nx{a=\"b\\q\"} 1\n")] // an unknown escape
    [InlineData("# HELP x x\n# TYPE x gauge\ny 1\n")] // a sample of another family
    [InlineData("# HELP x x\n# TYPE x gauge\nx 1\n# HELP x x\n# TYPE x gauge\n")] // a family twice
    [InlineData("# HELP x x\n# TYPE x gauge\nx 1")] // no final line feed
    public void The_test_parser_refuses_what_the_format_forbids(string text) =>
        Assert.Throws<FormatException>(() => Exposition.Parse(text));
}
