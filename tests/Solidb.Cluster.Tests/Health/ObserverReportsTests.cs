using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Health;

public sealed class ObserverReportsTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId D = NodeId.Parse("node-d");
    private static readonly NodeId Target = NodeId.Parse("node-t");
    private const long Uid = 10;
    private const long OldUid = 9;

    private readonly ObserverReports _reports = new();

    [Fact]
    public void Nothing_is_known_about_a_target_without_reports()
    {
        Assert.Empty(_reports.ObservedUnreachableBy(Target));
        Assert.Null(_reports.Verdict(Target, Uid));
    }

    [Fact]
    public void ObservedUnreachableBy_lists_the_observers_whose_direct_link_is_down_in_order()
    {
        _reports.Record(C, Target, Uid, HealthSignal.Suspect, directlyReachable: false);
        _reports.Record(B, Target, Uid, HealthSignal.Alive, directlyReachable: true);
        _reports.Record(A, Target, Uid, HealthSignal.Alive, directlyReachable: false);

        Assert.Equal([A, C], _reports.ObservedUnreachableBy(Target));
        Assert.Empty(_reports.ObservedUnreachableBy(B));
    }

    [Fact]
    public void The_latest_report_of_an_observer_replaces_its_previous_one()
    {
        _reports.Record(A, Target, Uid, HealthSignal.Suspect, directlyReachable: false);
        Assert.Equal([A], _reports.ObservedUnreachableBy(Target));
        Assert.Equal(HealthSignal.Suspect, _reports.Verdict(Target, Uid));

        _reports.Record(A, Target, Uid, HealthSignal.Alive, directlyReachable: true);

        Assert.Empty(_reports.ObservedUnreachableBy(Target));
        Assert.Equal(HealthSignal.Alive, _reports.Verdict(Target, Uid));
    }

    [Fact]
    public void Reports_about_different_targets_are_kept_apart()
    {
        _reports.Record(A, Target, Uid, HealthSignal.Failed, directlyReachable: false);
        _reports.Record(A, D, 4, HealthSignal.Alive, directlyReachable: true);

        Assert.Equal(HealthSignal.Failed, _reports.Verdict(Target, Uid));
        Assert.Equal(HealthSignal.Alive, _reports.Verdict(D, 4));
        Assert.Empty(_reports.ObservedUnreachableBy(D));
    }

    [Theory]
    [InlineData(new[] { HealthSignal.Alive }, HealthSignal.Alive)]
    [InlineData(new[] { HealthSignal.Alive, HealthSignal.Alive, HealthSignal.Alive }, HealthSignal.Alive)]
    [InlineData(new[] { HealthSignal.Alive, HealthSignal.Suspect, HealthSignal.Alive }, HealthSignal.Suspect)]
    [InlineData(new[] { HealthSignal.Suspect, HealthSignal.Failed, HealthSignal.Alive }, HealthSignal.Failed)]
    [InlineData(new[] { HealthSignal.Alive, HealthSignal.Alive, HealthSignal.Failed }, HealthSignal.Failed)]
    [InlineData(new[] { HealthSignal.Suspect, HealthSignal.Suspect }, HealthSignal.Suspect)]
    public void Verdict_is_Failed_over_Suspect_over_Alive(HealthSignal[] signals, HealthSignal expected)
    {
        NodeId[] observers = [A, B, C];
        for (var i = 0; i < signals.Length; i++)
        {
            _reports.Record(observers[i], Target, Uid, signals[i], signals[i] == HealthSignal.Alive);
        }

        Assert.Equal(expected, _reports.Verdict(Target, Uid));
    }

    [Fact]
    public void Verdict_counts_only_reports_about_the_asked_incarnation()
    {
        _reports.Record(A, Target, OldUid, HealthSignal.Failed, directlyReachable: false);
        _reports.Record(B, Target, Uid, HealthSignal.Alive, directlyReachable: true);

        Assert.Equal(HealthSignal.Alive, _reports.Verdict(Target, Uid));
        Assert.Equal(HealthSignal.Failed, _reports.Verdict(Target, OldUid));
        Assert.Null(_reports.Verdict(Target, Uid + 1));
    }

    [Fact]
    public void Retain_forgets_targets_that_are_no_longer_members()
    {
        _reports.Record(A, Target, Uid, HealthSignal.Failed, directlyReachable: false);
        _reports.Record(A, B, 2, HealthSignal.Suspect, directlyReachable: false);

        _reports.Retain(new Dictionary<NodeId, long> { [A] = 1, [B] = 2 });

        Assert.Null(_reports.Verdict(Target, Uid));
        Assert.Empty(_reports.ObservedUnreachableBy(Target));
        Assert.Equal(HealthSignal.Suspect, _reports.Verdict(B, 2));
        Assert.Equal([A], _reports.ObservedUnreachableBy(B));
    }

    [Fact]
    public void Retain_forgets_observers_that_are_no_longer_members()
    {
        _reports.Record(A, Target, Uid, HealthSignal.Alive, directlyReachable: false);
        _reports.Record(B, Target, Uid, HealthSignal.Failed, directlyReachable: false);

        _reports.Retain(new Dictionary<NodeId, long> { [A] = 1, [Target] = Uid });

        Assert.Equal([A], _reports.ObservedUnreachableBy(Target));
        Assert.Equal(HealthSignal.Alive, _reports.Verdict(Target, Uid));
    }

    [Fact]
    public void Retain_forgets_reports_about_an_old_incarnation_of_the_target()
    {
        _reports.Record(A, Target, OldUid, HealthSignal.Failed, directlyReachable: false);
        _reports.Record(B, Target, Uid, HealthSignal.Alive, directlyReachable: true);

        _reports.Retain(new Dictionary<NodeId, long> { [A] = 1, [B] = 2, [Target] = Uid });

        Assert.Empty(_reports.ObservedUnreachableBy(Target));
        Assert.Null(_reports.Verdict(Target, OldUid));
        Assert.Equal(HealthSignal.Alive, _reports.Verdict(Target, Uid));
    }

    [Fact]
    public void Retain_keeps_everything_about_current_members()
    {
        _reports.Record(A, Target, Uid, HealthSignal.Suspect, directlyReachable: false);
        _reports.Record(B, Target, Uid, HealthSignal.Alive, directlyReachable: true);

        _reports.Retain(new Dictionary<NodeId, long> { [A] = 1, [B] = 2, [Target] = Uid });

        Assert.Equal([A], _reports.ObservedUnreachableBy(Target));
        Assert.Equal(HealthSignal.Suspect, _reports.Verdict(Target, Uid));
    }
}
