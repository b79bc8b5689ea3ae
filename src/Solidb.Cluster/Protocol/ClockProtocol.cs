using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// The clock actor's API (/user/solidb-cluster/clock), for services in this process or on other nodes.

/// <summary>Ask for a fresh timestamp; the answer is a <see cref="TimestampReply"/> (<see cref="ClockUnavailable"/> while out of sync).</summary>
public sealed record GetTimestamp : IProtocolMessage;

/// <summary>
/// Report a timestamp observed on an incoming event; the answer is a <see cref="TimestampReply"/>
/// greater than it, or <see cref="TimestampRejected"/> when it is beyond the max offset
/// (<see cref="ClockUnavailable"/> while this node's own clock is out of sync).
/// </summary>
public sealed record ObserveTimestamp(HlcTimestamp Timestamp) : IProtocolMessage;

public sealed record TimestampReply(HlcTimestamp Timestamp) : IProtocolMessage;

public sealed record TimestampRejected(HlcTimestamp Received, double OffsetMs, double MaxOffsetMs) : IProtocolMessage;

/// <summary>The answer to <see cref="GetTimestamp"/> and <see cref="ObserveTimestamp"/> while this node's clock is out of sync with the majority.</summary>
public sealed record ClockUnavailable(string Reason) : IProtocolMessage;
