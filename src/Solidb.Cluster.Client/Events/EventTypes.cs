namespace Solidb.Cluster.Client.Events;

/// <summary>The "type" of every event on the stream.</summary>
public static class EventTypes
{
    public const string Snapshot = "snapshot";
    public const string MemberJoined = "member_joined";
    public const string MemberStateChanged = "member_state_changed";
    public const string MemberRemoved = "member_removed";
    public const string LeaderChanged = "leader_changed";
    public const string SuspicionRaised = "suspicion_raised";
    public const string SuspicionRefuted = "suspicion_refuted";
    public const string ClockSkew = "clock_skew";
    public const string Reset = "reset";

    public static IReadOnlyList<string> All { get; } =
        [Snapshot, MemberJoined, MemberStateChanged, MemberRemoved, LeaderChanged, SuspicionRaised, SuspicionRefuted, ClockSkew, Reset];

    public static string Of(ClusterEvent e) => e switch
    {
        SnapshotEvent => Snapshot,
        MemberJoinedEvent => MemberJoined,
        MemberStateChangedEvent => MemberStateChanged,
        MemberRemovedEvent => MemberRemoved,
        LeaderChangedEvent => LeaderChanged,
        SuspicionRaisedEvent => SuspicionRaised,
        SuspicionRefutedEvent => SuspicionRefuted,
        ClockSkewEvent => ClockSkew,
        ResetEvent => Reset,
        _ => "unknown",
    };
}
