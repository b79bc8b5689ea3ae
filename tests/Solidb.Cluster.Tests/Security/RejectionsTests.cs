using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Security;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class RejectionsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Counts_every_refusal_but_allows_one_log_line_per_reason_per_minute()
    {
        var rejections = new Rejections(_time);
        Assert.True(rejections.Count(RejectionReason.SenderMismatch));
        Assert.False(rejections.Count(RejectionReason.SenderMismatch));
        Assert.True(rejections.Count(RejectionReason.NotAVoter)); // its own interval
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(rejections.Count(RejectionReason.SenderMismatch));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(rejections.Count(RejectionReason.SenderMismatch));

        Assert.Equal(4, rejections[RejectionReason.SenderMismatch]);
        Assert.Equal(1, rejections[RejectionReason.NotAVoter]);
        Assert.Equal(5, rejections.Total);
    }

    [Fact]
    public void Snapshot_lists_every_reason_by_its_snake_case_name()
    {
        var rejections = new Rejections(_time);
        rejections.Count(RejectionReason.TermOutOfRange);
        var snapshot = rejections.Snapshot();
        Assert.Equal(RejectionReasons.All.Count, snapshot.Count);
        Assert.Equal(1, snapshot["term_out_of_range"]);
        Assert.Equal(0, snapshot["sender_mismatch"]);
        Assert.All(snapshot.Keys, k => Assert.Matches("^[a-z]+(_[a-z]+)*$", k));
    }

    [Fact]
    public void Messages_dropped_is_the_total_of_all_refusals_including_clock_skew()
    {
        var counters = new NodeCounters(_time);
        counters.Reject(RejectionReason.InvalidField);
        counters.Reject(RejectionReason.UnknownSender);
        counters.ClockSkewRejected();
        var snapshot = counters.Snapshot();
        Assert.Equal(3, snapshot.MessagesDropped);
        Assert.Equal(1, snapshot.ClockSkewRejections);
        Assert.Equal(1, snapshot.Rejections["clock_skew"]);
    }

    [Theory]
    [InlineData(null, "(null)")]
    [InlineData("node-1", "node-1")]
    [InlineData("a\nb\u0000", "a\\u000ab\\u0000")]
    public void Quote_escapes_control_characters(string? text, string expected) =>
        Assert.Equal(expected, Rejections.Quote(text));

    [Fact]
    public void Quote_truncates_long_wire_text() =>
        Assert.Equal(new string('x', Rejections.MaxQuoted) + "...(10000 chars)", Rejections.Quote(new string('x', 10_000)));
}
