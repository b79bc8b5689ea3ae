using Solidb.Cluster.Admin;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Admin;

public sealed class OperatorDownRecordTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("solidb-operator-down-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_data_dir_without_the_record_starts()
    {
        Assert.Null(OperatorDownRecord.Read(_dir.FullName));
        Assert.Null(OperatorDownRecord.StartRefusal(_dir.FullName));
    }

    [Fact]
    public void With_the_record_a_start_is_refused_in_one_line_naming_the_file()
    {
        OperatorDownRecord.Write(_dir.FullName, "at 2026-11-29T22:00:00Z, requested via node2, carried out by the leader node1 in term 4");

        var refusal = OperatorDownRecord.StartRefusal(_dir.FullName)!;

        Assert.Equal($"this node was downed by the operator (at 2026-11-29T22:00:00Z, requested via node2, carried out by the leader node1 in term 4); " +
                     $"remove '{Path.Combine(_dir.FullName, "operator-down")}' to start it again (it then rejoins as a new incarnation)", refusal);
    }

    [Fact]
    public void A_hostile_record_stays_one_line()
    {
        File.WriteAllText(OperatorDownRecord.PathIn(_dir.FullName), "evil\u001b[31m\rline\nsecond line");

        Assert.DoesNotContain('\n', OperatorDownRecord.StartRefusal(_dir.FullName)!);
        Assert.DoesNotContain('\r', OperatorDownRecord.StartRefusal(_dir.FullName)!);
    }

    [Fact]
    public void The_operator_s_down_ends_the_process_with_code_4_and_its_line_never_a_restart()
    {
        var end = Restarts.Decide(new OperatorDownReason("downed by the operator (x)"));

        Assert.False(end.IsRestart);
        Assert.Equal(4, end.ExitCode);
        Assert.Equal("downed by the operator (x)", end.Error);
        Assert.Equal(4, new OperatorDownReason("x").ExitCode);
    }

    [Theory]
    [InlineData("node1", "node3", "accepted", "ok", null)]
    [InlineData("node1", "node3", "maybe", "ok", "outcome")]
    [InlineData("node 1", "node3", "accepted", "ok", "from")]
    [InlineData("node1", "", "refused", "ok", "target")]
    [InlineData("node1", "node3", "refused", "", "reason")]
    public void Replies_are_checked_field_by_field(string from, string target, string outcome, string reason, string? badField) =>
        Assert.Equal(badField, WireFields.Check(new OperatorDownReply(from, target, outcome, reason, HlcTimestamp.Zero))?.Field);

    [Fact]
    public void A_notice_with_a_term_out_of_range_or_a_bad_id_is_refused_at_the_edge()
    {
        Assert.Null(WireFields.Check(new OperatorDownNotice("node1", "node3", 4, "node2", HlcTimestamp.Zero)));
        Assert.Equal("term", WireFields.Check(new OperatorDownNotice("node1", "node3", -1, "node2", HlcTimestamp.Zero))?.Field);
        Assert.Equal("requested_via", WireFields.Check(new OperatorDownNotice("node1", "node3", 4, "", HlcTimestamp.Zero))?.Field);
        Assert.Equal("target", WireFields.Check(new OperatorDownRequest("node1", "x/y", HlcTimestamp.Zero))?.Field);
    }

    [Fact]
    public void The_admin_messages_are_on_the_wire_allow_list() =>
        Assert.Superset(new HashSet<Type> { typeof(OperatorDownRequest), typeof(OperatorDownReply), typeof(OperatorDownNotice) },
            ProtocolTypes.All.ToHashSet());
}
