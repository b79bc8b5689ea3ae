using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class WireFieldsTests
{
    private static readonly HlcTimestamp T = new(1_700_000_000_000, 0);

    public static TheoryData<IProtocolMessage> Valid() =>
    [
        new Heartbeat("node1", 5, 0, 0, false, T, T),
        new Heartbeat("node1", -5, long.MaxValue, Terms.Max - 1, true, T, T), // uids are any long
        new HeartbeatAck("node1", 5, 3, 7, T),
        new ProbeRequest("node1", "node2", 2, "akka.tcp://solidb@10.0.0.2:6745", 1, T),
        new ProbePing("node1", 1, T),
        new ProbePingAck("node1", 1, 1, T),
        new ProbeAck("node1", "node2", 2, 1, T),
        new HealthReport("node1", "node2", 2, HealthSignal.Failed, false, T),
        new RequestVote("node1", 3, true, T),
        new VoteReply("node1", 3, true, false, T),
        new RequestVote("node1", 4, false, T, Transfer: true),
        new TimeoutNow("node1", Terms.Max - 1, T),
        new Introduce("node1", 1, 1, "http://10.0.0.1:6746", "0.1.0", T),
        new FormationQuery("node1", 0, 1, T),
        new FormationReply("node1", true, Terms.Max - 1, false, 3, 1_700_000_000_000, T),
        new FormationVoteRequest("node1", 1, 1_700_000_000_000, T),
        new FormationVoteReply("node1", 1, true, 1_700_000_000_000, T),
        new GetTimestamp(),
        new ObserveTimestamp(T),
        new TimestampReply(T),
        new TimestampRejected(T, 900, 500),
        new ClockUnavailable("out of sync"),
        new OperatorDownRequest("node1", "node2", T),
        new OperatorDownReply("node1", "node2", OperatorDownOutcomes.Refused, new string('r', WireFields.MaxText), T),
        new OperatorDownNotice("node1", "node2", Terms.Max - 1, "node3", T),
        new LeadershipTransferRequest("node1", null, T),
        new LeadershipTransferRequest("node1", "node2", T),
        new LeadershipTransferReply("node1", false, "no quorum", null, T),
        new LeadershipTransferReply("node1", true, "transferring", "node2", T),
        new MemberLeaveRequest("node1", "node2", T),
        new MemberLeaveReply("node2", "node2", true, "node2 is leaving", T),
    ];

    [Theory]
    [MemberData(nameof(Valid))]
    public void Messages_with_every_field_in_range_pass(IProtocolMessage message) => Assert.Null(WireFields.Check(message));

    public static TheoryData<Type> WireTypes() =>
        new(ProtocolTypes.All.Where(t => typeof(IProtocolMessage).IsAssignableFrom(t)));

    /// <summary>A wire type without a case would be refused as an unknown type: every type the serializer builds has one.</summary>
    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Every_wire_message_type_has_its_own_checks(Type type)
    {
        var message = (IProtocolMessage)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
        Assert.NotEqual(WireFields.UnknownType, WireFields.Check(message)?.Field);
    }

    [Fact]
    public void A_message_type_with_no_case_is_refused_not_passed() =>
        Assert.Equal((RejectionReason.InvalidField, WireFields.UnknownType), WireFields.Check(new NotOnTheWire()));

    private sealed record NotOnTheWire : IProtocolMessage;

    public static TheoryData<IProtocolMessage, RejectionReason, string> Invalid() => new()
    {
        { new Heartbeat("node1", 1, -1, 0, false, T, T), RejectionReason.InvalidField, "seq" },
        { new Heartbeat("node1", 1, 1, long.MaxValue, true, T, T), RejectionReason.TermOutOfRange, "term" },
        { new Heartbeat("node1", 1, 1, long.MaxValue - 1, true, T, T), RejectionReason.TermOutOfRange, "term" },
        { new Heartbeat("node1", 1, 1, Terms.Max, true, T, T), RejectionReason.TermOutOfRange, "term" },
        { new Heartbeat("node1", 1, 1, -1, true, T, T), RejectionReason.TermOutOfRange, "term" },
        { new Heartbeat(null!, 1, 1, 1, true, T, T), RejectionReason.MalformedNodeId, "from" },
        { new Heartbeat(new string('a', 65), 1, 1, 1, true, T, T), RejectionReason.MalformedNodeId, "from" },
        { new HeartbeatAck("node1", 1, -5, 1, T), RejectionReason.InvalidField, "seq" },
        { new Heartbeat("node1", 1, 1, 1, true, T, T) { WallMs = -1 }, RejectionReason.InvalidField, "wall_ms" },
        { new HeartbeatAck("node1", 1, 1, 1, T) { WallMs = long.MaxValue }, RejectionReason.InvalidField, "wall_ms" },
        { new ProbeRequest("node1", "node2", 2, null!, 1, T), RejectionReason.InvalidField, "target_address" },
        { new ProbeRequest("node1", "node2", 2, new string('x', 301), 1, T), RejectionReason.InvalidField, "target_address" },
        { new ProbeRequest("node1", "bad id!", 2, "x", 1, T), RejectionReason.MalformedNodeId, "target" },
        { new ProbePing("node1", long.MinValue, T), RejectionReason.InvalidField, "seq" },
        { new HealthReport("node1", "node2", 2, (HealthSignal)99, false, T), RejectionReason.InvalidField, "signal" },
        { new RequestVote("node1", long.MaxValue, false, T), RejectionReason.TermOutOfRange, "term" },
        { new VoteReply("node1", -3, true, false, T), RejectionReason.TermOutOfRange, "term" },
        { new TimeoutNow("node1", Terms.Max, T), RejectionReason.TermOutOfRange, "term" },
        { new TimeoutNow("bad id!", 1, T), RejectionReason.MalformedNodeId, "from" },
        { new Introduce("node1", 1, 0, "http://x", "0.1.0", T), RejectionReason.InvalidField, "incarnation" },
        { new Introduce("node1", 1, 1, "", "0.1.0", T), RejectionReason.InvalidField, "http_address" },
        { new Introduce("node1", 1, 1, "http://x", null!, T), RejectionReason.InvalidField, "version" },
        { new FormationReply("", true, 0, false, 1, 1, T), RejectionReason.MalformedNodeId, "node_id" },
        { new FormationQuery("node1", -1, 1, T), RejectionReason.InvalidField, "seq" },
        { new FormationQuery("node1", 1, -5, T), RejectionReason.InvalidField, "wall_ms" },
        { new FormationReply("node1", false, Terms.Max, false, 1, 1, T), RejectionReason.TermOutOfRange, "round" },
        { new FormationReply("node1", false, 1, false, -2, 1, T), RejectionReason.InvalidField, "seq" },
        { new FormationReply("node1", false, 1, false, 1, -1, T), RejectionReason.InvalidField, "wall_ms" },
        { new FormationVoteRequest("node1", -1, 1, T), RejectionReason.TermOutOfRange, "round" },
        { new FormationVoteRequest(null!, 1, 1, T), RejectionReason.MalformedNodeId, "candidate" },
        { new FormationVoteRequest("node1", 1, long.MinValue, T), RejectionReason.InvalidField, "wall_ms" },
        { new FormationVoteReply("node1", long.MaxValue, true, 1, T), RejectionReason.TermOutOfRange, "round" },
        { new FormationVoteReply("bad id!", 1, true, 1, T), RejectionReason.MalformedNodeId, "from" },
        { new OperatorDownRequest("bad id!", "node2", T), RejectionReason.MalformedNodeId, "from" },
        { new OperatorDownRequest("node1", null!, T), RejectionReason.MalformedNodeId, "target" },
        { new OperatorDownReply("node1", new string('a', 65), OperatorDownOutcomes.Accepted, "ok", T), RejectionReason.MalformedNodeId, "target" },
        { new OperatorDownReply("node1", "node2", OperatorDownOutcomes.Accepted, new string('r', WireFields.MaxText + 1), T), RejectionReason.InvalidField, "reason" },
        { new OperatorDownReply("node1", "node2", OperatorDownOutcomes.Accepted, "", T), RejectionReason.InvalidField, "reason" },
        { new OperatorDownReply("node1", "node2", "ACCEPTED", "ok", T), RejectionReason.InvalidField, "outcome" },
        { new OperatorDownReply("node1", "node2", null!, "ok", T), RejectionReason.InvalidField, "outcome" },
        { new OperatorDownNotice("node1", "node2", Terms.Max, "node3", T), RejectionReason.TermOutOfRange, "term" },
        { new OperatorDownNotice("node1", "node2", -1, "node3", T), RejectionReason.TermOutOfRange, "term" },
        { new OperatorDownNotice("node1", "node2", 1, "via/evil", T), RejectionReason.MalformedNodeId, "requested_via" },
        { new LeadershipTransferRequest(null!, null, T), RejectionReason.MalformedNodeId, "from" },
        { new LeadershipTransferRequest("node1", "", T), RejectionReason.MalformedNodeId, "to" },
        { new LeadershipTransferReply("node1", true, null!, "node2", T), RejectionReason.InvalidField, "reason" },
        { new LeadershipTransferReply("node1", true, "ok", "bad id!", T), RejectionReason.MalformedNodeId, "target" },
        { new MemberLeaveRequest("node1", new string('a', 65), T), RejectionReason.MalformedNodeId, "target" },
        { new MemberLeaveReply("node2", "node2", true, new string('r', WireFields.MaxText + 1), T), RejectionReason.InvalidField, "reason" },
        { new TimestampRejected(T, double.NaN, 500), RejectionReason.InvalidField, "offset_ms" },
        { new TimestampRejected(T, 900, double.PositiveInfinity), RejectionReason.InvalidField, "max_offset_ms" },
        { new ClockUnavailable(""), RejectionReason.InvalidField, "reason" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_field_out_of_range_is_refused_with_its_reason_and_name(IProtocolMessage message, RejectionReason reason, string field) =>
        Assert.Equal((reason, field), WireFields.Check(message));
}

public sealed class TrustedPathsTests
{
    [Fact]
    public void The_module_and_cluster_paths_are_always_trusted_and_a_config_file_can_only_add()
    {
        var layered = Akka.Configuration.ConfigurationFactory.ParseString("""akka.remote.trusted-selection-paths = ["/user/my-service"]""");
        var paths = TrustedPaths.For(layered);
        Assert.Contains("/system/cluster/core/daemon", paths);
        Assert.Contains("/user/solidb-cluster/heartbeat", paths);
        Assert.Contains("/user/my-service", paths);
        Assert.Equal(TrustedPaths.Module.Count + 1, paths.Count);
    }
}
